package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/*
 * "Acquire, run a body, release on every path": the one place that makes holding a permit or a
 * lock across a body safe against failure and cancellation. Release happens exactly once: when
 * the body completes, when it (or making it) throws, or when the whole thing is cancelled while
 * the body is pending. Cancelled while still acquiring, it cancels the acquire instead, which
 * hands on anything the acquire had been granted.
 *
 * Thread-safety: an Async, polled by one task at a time.
 */
final class Scoped<H, R> implements Async<R> {
    private final Async<H> acquire;
    private final Consumer<? super H> release;
    private final Function<? super H, ? extends Async<R>> body;
    private H held;
    private boolean holding;
    private Async<R> inner;

    Scoped(Async<H> acquire, Consumer<? super H> release, Function<? super H, ? extends Async<R>> body) {
        this.acquire = acquire;
        this.release = release;
        this.body = Objects.requireNonNull(body, "body");
    }

    @Override
    public Poll<R> poll(Context cx) throws Exception {
        if (!holding) {
            if (inner != null) {
                throw new IllegalStateException("scoped computation already completed");
            }
            Poll<H> p = acquire.poll(cx);
            if (p.isPending()) {
                return Poll.pending();
            }
            held = p.value();
            holding = true;
            try {
                inner = Objects.requireNonNull(body.apply(held), "body returned null");
            } catch (Throwable t) {
                releaseOnce();
                throw t;
            }
        }
        Poll<R> r;
        try {
            r = inner.poll(cx);
        } catch (Throwable t) {
            releaseOnce();
            throw t;
        }
        if (r.isReady()) {
            releaseOnce();
        }
        return r;
    }

    @Override
    public void cancel() {
        if (!holding) {
            if (inner == null) {
                acquire.cancel();
            }
            return;
        }
        try {
            inner.cancel();
        } finally {
            releaseOnce();
        }
    }

    private void releaseOnce() {
        if (holding) {
            holding = false;
            H h = held;
            held = null;
            release.accept(h);
        }
    }
}
