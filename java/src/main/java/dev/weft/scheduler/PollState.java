package dev.weft.scheduler;

/**
 * What a worker knows about the poll it is running: whether one runs, the cooperative budget
 * left, and whether the task asked for a deferred wake. One instance per worker, reused for
 * every poll; the polled {@link Task} is the poll's {@link dev.weft.task.Context} and delegates
 * its budget calls here.
 *
 * <p><b>Why only primitives.</b> Storing the polled task (a young object, usually) in this
 * long-lived object on every poll would cost a G1 post-write barrier with a StoreLoad fence per
 * poll (3-4 ns per such store, measured in isolation here; a yield's whole poll costs a worker
 * about 23 ns). The task is handed to the poll as its own context instead, so nothing but an int
 * and two booleans is written per poll.
 *
 * <p><b>Budget.</b> {@link #enter} refills it to {@code budget} units; each leaf operation spends
 * one through {@link #consumeBudget()}. At zero the leaf is refused, the task is marked for a
 * deferred wake (re-polled behind the tasks already queued on the worker),
 * and the refusal is counted.
 *
 * <p>Thread-safety: used only by its worker's thread.
 */
final class PollState {
    private final WorkerCounters counters;
    private final int budget;
    private boolean polling;
    private int remaining;
    private boolean deferred;

    PollState(WorkerCounters counters, int budget) {
        this.counters = counters;
        this.budget = budget;
    }

    /** The poll state of the worker running the calling thread, or null off the workers. */
    static PollState current() {
        return Thread.currentThread() instanceof Worker w ? w.pollState : null;
    }

    void enter() {
        polling = true;
        remaining = budget;
        deferred = false;
    }

    /** Whether a task is being polled on this worker right now. */
    boolean polling() {
        return polling;
    }

    /** Ends the poll; returns whether it asked for a deferred wake. */
    boolean exit() {
        polling = false;
        return deferred;
    }

    boolean consumeBudget() {
        if (remaining > 0) {
            remaining--;
            return true;
        }
        if (!deferred) {
            deferred = true;
            counters.budgetYields++;
        }
        return false;
    }

    int remainingBudget() {
        return remaining;
    }

    void deferWake() {
        if (!polling) {
            throw new IllegalStateException("deferWake() outside a poll");
        }
        deferred = true;
    }
}
