package dev.weft.scheduler;

import dev.weft.task.Context;
import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@link Context} a worker hands to each poll: the polled task as waker, the cooperative
 * budget, and the deferred-wake request. One instance per worker, reused for every poll.
 *
 * <p><b>Budget.</b> {@link #enter} refills it to {@code budget} units; each leaf operation spends
 * one through {@link #consumeBudget()}. At zero the leaf is refused, the task is marked for a
 * deferred wake (re-polled after the worker's next poller turn, behind the tasks already queued),
 * and the refusal is counted.
 *
 * <p><b>Observation.</b> The task being polled is written plainly by the worker (no fence on the
 * hot path) and read by the {@link SlowPollWatchdog} through {@link #taskBeingPolled()}. While a
 * recording enables {@code dev.weft.TaskPoll}, {@link #enter}/{@link #exit} time the poll for it
 * ({@link FlightEvents}); otherwise they read one static flag more.
 *
 * <p>Thread-safety: used only by its worker's thread, and only during a poll, except
 * {@link #taskBeingPolled()}, which is safe from any thread.
 */
final class WorkerContext extends Context {
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(WorkerContext.class, "current", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Worker worker;
    private final int budget;
    private Task<?> current;
    private int remaining;
    private boolean deferred;
    /** The running poll's Flight Recorder event, while a recording enables it. */
    private FlightEvents.TaskPollEvent pollEvent;

    WorkerContext(Worker worker, int budget) {
        this.worker = worker;
        this.budget = budget;
    }

    void enter(Task<?> task) {
        current = task;
        remaining = budget;
        deferred = false;
        if (FlightEvents.taskPolls) {
            pollEvent = FlightEvents.beginPoll();
        }
    }

    /** Whether a task is being polled on this worker right now. */
    boolean polling() {
        return current != null;
    }

    /**
     * The task this worker is polling now, or null between polls; from any thread (an opaque read:
     * it may lag the worker by as long as its store takes to become visible).
     */
    Task<?> taskBeingPolled() {
        return (Task<?>) CURRENT.getOpaque(this);
    }

    /** Ends the poll; returns whether it asked for a deferred wake. */
    boolean exit() {
        if (pollEvent != null) {
            FlightEvents.endPoll(pollEvent, current, worker);
            pollEvent = null;
        }
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
