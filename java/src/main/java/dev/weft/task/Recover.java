package dev.weft.task;

import java.util.Objects;
import java.util.function.Function;

/**
 * {@link Async#recover}: the source's value, or a replacement computed from what its poll threw
 * (exactly the thrown object: a failed {@link JoinHandle} throws a {@code CompletionException}
 * around the task's error). Not thread-safe (polled by one task).
 */
final class Recover<T> implements Async<T> {
    private final Async<T> source;
    private final Function<? super Throwable, ? extends T> f;
    private boolean finished;

    Recover(Async<T> source, Function<? super Throwable, ? extends T> f) {
        this.source = Objects.requireNonNull(source, "source");
        this.f = Objects.requireNonNull(f, "f");
    }

    @Override
    public Poll<T> poll(Context cx) {
        Poll<T> p;
        try {
            p = source.poll(cx);
        } catch (Throwable t) {
            finished = true;
            return Poll.ready(f.apply(t));
        }
        finished = p.isReady();
        return p;
    }

    @Override
    public void cancel() {
        if (!finished) {
            source.cancel();
        }
    }

    /** Rethrows any throwable from a method that declares none (used to fail with exactly the given error). */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
