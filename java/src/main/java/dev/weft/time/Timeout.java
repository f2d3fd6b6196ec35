package dev.weft.time;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Runs an inner computation with a time limit: its value if it finishes first (the timer is then
 * cancelled), else a {@link TimeoutException} (the inner computation is then cancelled). The
 * inner one is polled first, so one that is ready when the limit passes still wins.
 *
 * <p>Thread-safety: an {@code Async}; polled by one thread at a time.
 */
public final class Timeout<T> implements Async<T> {
    private final Async<T> inner;
    private final Duration limit;
    private final Sleep timer;
    private boolean done;

    private Timeout(Duration limit, Async<T> inner) {
        this.limit = limit;
        this.inner = inner;
        this.timer = Sleep.after(limit);
    }

    /** {@code inner}, failing with a {@link TimeoutException} if it has not finished after {@code limit}. */
    public static <T> Timeout<T> of(Duration limit, Async<T> inner) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(inner, "inner");
        return new Timeout<>(limit, inner);
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
        if (done) {
            throw new IllegalStateException("Timeout polled after it completed");
        }
        Poll<T> p;
        try {
            p = inner.poll(cx);
        } catch (Exception | Error e) {
            done = true;
            timer.cancel();
            throw e;
        }
        if (p.isReady()) {
            done = true;
            timer.cancel();
            return p;
        }
        if (timer.poll(cx).isReady()) {
            done = true;
            inner.cancel();
            throw new TimeoutException("timed out after " + limit);
        }
        return Poll.pending();
    }

    /** Cancels both the inner computation and the timer. */
    @Override
    public void cancel() {
        if (!done) {
            done = true;
            inner.cancel();
            timer.cancel();
        }
    }
}
