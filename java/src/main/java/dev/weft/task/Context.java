package dev.weft.task;

import java.util.Objects;

/**
 * What a poll is given: the {@link Waker} of the task being polled, and the task's cooperative
 * budget.
 *
 * <p><b>Budget.</b> Each poll of a task starts with a budget (128 units in the runtime). Every
 * leaf operation that is ready to make progress (a socket read or write, a fired timer, a
 * channel operation) first calls {@link #consumeBudget()}. When that returns {@code false}
 * the budget is spent: the leaf must return {@link Poll#pending()} without doing its work.
 * {@code consumeBudget()} has then already arranged a deferred wake, so the task is polled
 * again behind the other tasks queued on its worker. One hot connection therefore cannot starve
 * the others on its worker.
 *
 * <p><b>Deferred wake.</b> {@link #deferWake()} asks to be polled again behind the tasks already
 * queued on the worker (used by {@code yieldNow}; the worker's periodic poller turn keeps
 * serving I/O meanwhile); a plain {@code waker().wake()} from inside a poll may instead run the
 * task again next.
 *
 * <p>Valid only during the poll it was given to: keep {@link #waker()} past the poll, never the
 * context (in the runtime the task itself is the context, and its budget is its worker's).
 */
public interface Context {

    /** The waker of the task being polled. Valid to keep and call from any thread. */
    Waker waker();

    /**
     * Spends one unit of the current poll's budget. Returns {@code true} if the caller may go
     * ahead; {@code false} if the budget is spent, in which case the task has been scheduled
     * to run again behind the worker's queued tasks and the caller must return pending.
     */
    boolean consumeBudget();

    /** Units left in this poll's budget (never negative). */
    int remainingBudget();

    /** Schedules the current task to be polled again behind the tasks queued on its worker. */
    void deferWake();

    /**
     * A context for polling by hand (tests, adapters): the given waker, an unlimited budget,
     * and a deferred wake that is a plain wake.
     */
    static Context of(Waker waker) {
        Objects.requireNonNull(waker, "waker");
        return new Context() {
            @Override public Waker waker() { return waker; }
            @Override public boolean consumeBudget() { return true; }
            @Override public int remainingBudget() { return Integer.MAX_VALUE; }
            @Override public void deferWake() { waker.wake(); }
        };
    }
}
