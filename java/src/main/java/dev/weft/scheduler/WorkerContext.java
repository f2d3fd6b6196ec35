package dev.weft.scheduler;

import dev.weft.task.Context;
import dev.weft.task.Waker;

/**
 * The {@link Context} a worker hands to each poll: the polled task as waker, the cooperative
 * budget, and the deferred-wake request. One instance per worker, reused for every poll.
 *
 * <p><b>Budget.</b> {@link #enter} refills it to {@code budget} units; each leaf operation spends
 * one through {@link #consumeBudget()}. At zero the leaf is refused, the task is marked for a
 * deferred wake (re-polled after the worker's next poller turn, behind the tasks already queued),
 * and the refusal is counted.
 *
 * <p>Thread-safety: used only by its worker's thread, and only during a poll.
 */
final class WorkerContext extends Context {
    private final Worker worker;
    private final int budget;
    private Task<?> current;
    private int remaining;
    private boolean deferred;

    WorkerContext(Worker worker, int budget) {
        this.worker = worker;
        this.budget = budget;
    }

    void enter(Task<?> task) {
        current = task;
        remaining = budget;
        deferred = false;
    }

    /** Whether a task is being polled on this worker right now. */
    boolean polling() {
        return current != null;
    }

    /** Ends the poll; returns whether it asked for a deferred wake. */
    boolean exit() {
        current = null;
        return deferred;
    }

    @Override
    public Waker waker() {
        Task<?> t = current;
        if (t == null) {
            throw new IllegalStateException("Context used outside a poll (keep cx.waker(), not cx)");
        }
        return t;
    }

    @Override
    public boolean consumeBudget() {
        if (remaining > 0) {
            remaining--;
            return true;
        }
        if (!deferred) {
            deferred = true;
            worker.counters.budgetYields++;
        }
        return false;
    }

    @Override
    public int remainingBudget() {
        return remaining;
    }

    @Override
    public void deferWake() {
        if (current == null) {
            throw new IllegalStateException("deferWake() outside a poll");
        }
        deferred = true;
    }
}
