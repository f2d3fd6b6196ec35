package dev.weft.task;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@link Async#from(CompletionStage)}. The stage's callback stores the outcome, then wakes the
 * waker of the latest poll. A poll stores its waker, then reads the outcome; both fields are
 * volatile, so either the poll sees the outcome or the callback sees that poll's waker: no wake
 * is lost. Safe for the callback to run on any thread.
 */
final class FromStage<T> implements Async<T> {
    private static final Object NONE = new Object();

    private final CompletionStage<? extends T> stage;
    private volatile Waker waker;
    private volatile Object value = NONE;
    private volatile Throwable error;
    private boolean subscribed;

    FromStage(CompletionStage<? extends T> stage) {
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<T> poll(Context cx) throws Exception {
        waker = cx.waker();
        if (!subscribed) {
            subscribed = true;
            stage.whenComplete((v, e) -> {
                if (e != null) {
                    error = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                } else {
                    value = v;
                }
                waker.wake();
            });
        }
        Throwable e = error;
        if (e != null) {
            throw Recover.sneaky(e);
        }
        Object v = value;
        return v == NONE ? Poll.pending() : Poll.ready((T) v);
    }
}
