package dev.weft.scheduler;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A spawned task: the one object per spawn. It is at once the user's {@link dev.weft.task.JoinHandle},
 * the task's {@link Waker}, the {@link Context} its polls get (its budget is the polling worker's
 * {@link PollState}), and the entry that run queues hold (the inject queue links tasks
 * through {@link #nextInQueue}; a worker's list of tasks that went pending through
 * {@link #nextTracked}, so shutdown can cancel tasks no queue holds).
 *
 * <p><b>State word</b> (changed only by CAS):
 * <pre>
 *   NOTIFIED   a run is owed: the task sits in exactly one run queue (or the LIFO slot),
 *              or is RUNNING and its runner re-queues it after the poll
 *   RUNNING    one thread owns the task: a worker polling it, or a thread cancelling it
 *   COMPLETE   ended (value, failure or cancelled); the outcome is published right after
 *   CANCELLED  abort requested; only ever set together with RUNNING (see below)
 * </pre>
 * Transitions:
 * <ul>
 *   <li>wake: idle (no bit) to NOTIFIED, and the waker queues it; RUNNING to RUNNING|NOTIFIED
 *       (no queueing: the runner does it after the poll); otherwise nothing. So a task is never
 *       in two queues, and a wake that races a poll is never lost.</li>
 *   <li>run: NOTIFIED (without RUNNING/COMPLETE) to RUNNING. A queue entry that finds RUNNING or
 *       COMPLETE is stale (an abort claimed the task) and is dropped.</li>
 *   <li>after a pending poll: clear RUNNING; if NOTIFIED was set meanwhile, or the poll asked for
 *       a deferred wake, keep NOTIFIED and re-queue at the back of the local queue.</li>
 *   <li>abort of a task that is not RUNNING: claim it with RUNNING|CANCELLED and cancel it on
 *       the aborting thread; of a RUNNING task: add CANCELLED, and the runner cancels it after
 *       its poll unless that poll completed it. So {@link Async#cancel()} runs at most once and
 *       never during a poll, and a task has exactly one outcome.</li>
 * </ul>
 *
 * <p>Thread-safety: {@link #wake()}, {@link #abort()} and the {@code JoinHandle} methods are safe
 * from any thread; {@link #run(Worker)} is called by the worker that dequeued the task.
 */
final class Task<T> extends Completion<T> implements Waker, Context {
    static final int NOTIFIED = 1;
    static final int RUNNING = 2;
    static final int COMPLETE = 4;
    static final int CANCELLED = 8;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private Async<T> future;
    final Scheduler scheduler;

    /** Inject-queue link (accessed through the inject queue's VarHandle, or by a local queue's owner building an overflow batch). */
    Task<?> nextInQueue;
    /**
     * Link in the tracking list of the worker that first saw this task go pending; written by
     * that worker only (see {@link PendingTasks}). {@code tracked} is read and written only by
     * the thread holding RUNNING.
     */
    Task<?> nextTracked;
    boolean tracked;

    /** A new task, already NOTIFIED: the caller queues it exactly once. */
    Task(Async<T> future, Scheduler scheduler) {
        this.future = future;
        this.scheduler = scheduler;
        STATE.setRelease(this, NOTIFIED);
    }

    int state() {
        return state;
    }

    @Override
    public void wake() {
        int s = state;
        for (;;) {
            if ((s & (NOTIFIED | COMPLETE)) != 0) {
                return;
            }
            int next = s | NOTIFIED;
            int witness = (int) STATE.compareAndExchange(this, s, next);
            if (witness == s) {
                if ((s & RUNNING) == 0) {
                    scheduler.schedule(this);
                }
                return;
            }
            s = witness;
        }
    }

    /**
     * Polls the task once on worker {@code w}. Returns normally whatever the poll does; a
     * throwing poll completes the task exceptionally.
     */
    void run(Worker w) {
        int s = state;
        for (;;) {
            if ((s & (RUNNING | COMPLETE)) != 0 || (s & NOTIFIED) == 0) {
                return; // stale entry: an abort claimed the task
            }
            int witness = (int) STATE.compareAndExchange(this, s, (s & ~NOTIFIED) | RUNNING);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        FlightEvents.TaskPollEvent recorded = FlightEvents.taskPolls ? FlightEvents.beginPoll() : null; // null: not recording
        w.counters.polls++;
        PollState ps = w.pollState;
        Poll<T> p;
        ps.enter();
        try {
            p = future.poll(this);
        } catch (Throwable t) {
            ps.exit();
            FlightEvents.endPoll(recorded, this, w);
            finish(new Failure(t));
            return;
        }
        boolean deferred = ps.exit();
        FlightEvents.endPoll(recorded, this, w);
        if (p.isReady()) {
            finish(valueOutcome(p.value()));
            return;
        }
        if (!tracked) {
            // First time pending: from now on no queue may hold it, so shutdown must find it.
            // Done while we still hold RUNNING: nobody else touches the task meanwhile.
            tracked = true;
            w.track(this);
        }
        s = state;
        for (;;) {
            if ((s & CANCELLED) != 0) {
                cancelFuture();
                finish(CANCELLED_OUTCOME);
                return;
            }
            int next = s & ~RUNNING;
            if (deferred) {
                next |= NOTIFIED;
            }
            int witness = (int) STATE.compareAndExchange(this, s, next);
            if (witness == s) {
                if (deferred || (s & NOTIFIED) != 0) {
                    w.requeue(this);
                }
                return;
            }
            s = witness;
        }
    }

    // ---- the task as the Context of its own polls ----

    @Override
    public Waker waker() {
        return this;
    }

    @Override
    public boolean consumeBudget() {
        PollState ps = PollState.current();
        return ps == null || ps.consumeBudget(); // off the workers (misuse): nothing to spend
    }

    @Override
    public int remainingBudget() {
        PollState ps = PollState.current();
        return ps == null ? Integer.MAX_VALUE : ps.remainingBudget();
    }

    @Override
    public void deferWake() {
        PollState ps = PollState.current();
        if (ps == null) {
            throw new IllegalStateException("deferWake() outside a poll, on " + Thread.currentThread().getName());
        }
        ps.deferWake();
    }

    @Override
    public void abort() {
        int s = state;
        for (;;) {
            if ((s & (COMPLETE | CANCELLED)) != 0) {
                return;
            }
            boolean running = (s & RUNNING) != 0;
            int next = running ? s | CANCELLED : s | RUNNING | CANCELLED;
            int witness = (int) STATE.compareAndExchange(this, s, next);
            if (witness == s) {
                if (!running) {
                    cancelFuture();
                    finish(CANCELLED_OUTCOME);
                }
                return;
            }
            s = witness;
        }
    }

    /**
     * Cancels the task if nothing is polling it (used by shutdown after the workers stopped).
     * Returns whether this call cancelled it.
     */
    boolean cancelIfIdle() {
        int s = state;
        for (;;) {
            if ((s & (COMPLETE | CANCELLED | RUNNING)) != 0) {
                return false;
            }
            int witness = (int) STATE.compareAndExchange(this, s, s | RUNNING | CANCELLED);
            if (witness == s) {
                cancelFuture();
                finish(CANCELLED_OUTCOME);
                return true;
            }
            s = witness;
        }
    }

    private void cancelFuture() {
        Async<T> f = future;
        try {
            f.cancel();
        } catch (Throwable t) {
            scheduler.reportCancelFailure(this, t);
        }
    }

    /** Called by the thread holding RUNNING: records the outcome, marks the task COMPLETE, tells the joiners. */
    private void finish(Object outcome) {
        setOutcome(outcome);
        int s = state;
        for (;;) {
            int witness = (int) STATE.compareAndExchange(this, s, (s & ~RUNNING) | COMPLETE);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        future = null;
        scheduler.taskEnded();
        wakeWaiters();
    }

    @Override
    boolean ended() {
        return (state & COMPLETE) != 0;
    }

    /** The user's computation, for diagnostics (null once done). */
    Object future() {
        return future;
    }
}
