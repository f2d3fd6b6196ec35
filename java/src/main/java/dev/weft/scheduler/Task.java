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
 * {@link PollState}), and the entry that run queues hold (a worker's list of tasks that went
 * idle links them through {@link #nextTracked}, so shutdown can cancel tasks no queue holds).
 *
 * <p><b>State word</b> (changed only by CAS; the owner of a task reads it with plain volatile reads):
 * <pre>
 *   OWNED      exactly one party holds the task: a run-queue entry (ring, LIFO slot or inject
 *              queue) waiting to poll it, the worker polling it, or a thread cancelling it
 *   NOTIFIED   woken while OWNED: poll it (again) after the current poll or queue wait
 *   COMPLETE   ended (value, failure or cancelled); the outcome is published right after
 *   CANCELLED  abort requested; only ever set together with OWNED (see below)
 * </pre>
 * A task that is not OWNED and not COMPLETE is idle (state 0): pending, waiting for a wake.
 * Ownership travels with queue entries: a spawn creates the task OWNED (its first queue entry
 * holds it), a wake of an idle task takes ownership with its CAS and queues the entry, and
 * the worker that dequeues an entry already owns the task, so it polls without a claim
 * of its own; a yield re-queues the task still OWNED, so a poll-yield cycle changes no state at
 * all. Transitions:
 * <ul>
 *   <li>wake: idle to OWNED, and the waker queues it; OWNED to OWNED|NOTIFIED (no queueing:
 *       the owner polls it later); otherwise nothing. So a task is never in two queues, and a
 *       wake that races a poll or a queue wait is never lost.</li>
 *   <li>run (the dequeuer): if NOTIFIED is set it is cleared (the poll about to start serves
 *       that wake); if CANCELLED is set the task is cancelled instead of polled.</li>
 *   <li>after a pending poll: if NOTIFIED was set meanwhile, or the poll asked for a deferred
 *       wake, the task stays OWNED and goes to the back of the local queue; else OWNED is
 *       cleared (idle).</li>
 *   <li>abort of an idle task: claim it with OWNED|CANCELLED and cancel it on the aborting
 *       thread; of an OWNED task: add CANCELLED, and the owner cancels it instead of its next
 *       poll or after its current one (unless that poll completed it). So
 *       {@link Async#cancel()} runs at most once and never during a poll, and a task has
 *       exactly one outcome.</li>
 * </ul>
 * Before ownership travelled with entries, a dequeue claimed the task (NOTIFIED to RUNNING)
 * and a yield released it (RUNNING to NOTIFIED): two CASes per poll that now cost nothing,
 * since only the steps other threads may race (wakes, aborts, ending) need an atomic.
 *
 * <p>Thread-safety: {@link #wake()}, {@link #abort()} and the {@code JoinHandle} methods are safe
 * from any thread; {@link #run(Worker)} is called by the worker that dequeued the task.
 */
final class Task<T> extends Completion<T> implements Waker, Context {
    static final int NOTIFIED = 1;
    static final int OWNED = 2;
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
    final Scheduler scheduler;

    /**
     * Link in the tracking list of the worker that first saw this task go idle; written by
     * that worker only (see {@link PendingTasks}). Null exactly while the task was never tracked
     * (the list ends in a sentinel, and a sweep nulls only the links of ended tasks), so the
     * owner reads it to track a task once, with no flag of its own. (A task is 32 bytes, half a
     * cache line: a 12-byte header and five 4-byte fields. One field more would make it 40, and
     * it has none: no tracked flag; no field for the computation, which the outcome's field keeps
     * until the end, nor for the CompletableFuture, which the waiters word keeps (see
     * {@link Completion}); no queue link, since the inject queue keeps tasks in arrays.)
     */
    Task<?> nextTracked;

    /** A new task, OWNED by the queue entry its caller makes for it (exactly one). */
    Task(Async<T> future, Scheduler scheduler) {
        keepUntilEnd(future); // until the end, the outcome's field holds the computation
        this.scheduler = scheduler;
        STATE.setRelease(this, OWNED);
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
            boolean owned = (s & OWNED) != 0;
            int witness = (int) STATE.compareAndExchange(this, s, owned ? s | NOTIFIED : OWNED);
            if (witness == s) {
                if (!owned) {
                    scheduler.schedule(this); // the entry holds the ownership we just took
                }
                return;
            }
            s = witness;
        }
    }

    /**
     * Polls the task once on worker {@code w}, which took its queue entry and with it the
     * ownership. Returns normally whatever the poll does; a throwing poll completes the task
     * exceptionally.
     */
    void run(Worker w) {
        int s = state;
        while (s != OWNED) { // a wake or an abort came while the task waited in a queue
            if ((s & CANCELLED) != 0) {
                cancelOwned();
                return;
            }
            int witness = (int) STATE.compareAndExchange(this, s, s & ~NOTIFIED); // this poll serves the wake
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
            p = future().poll(this);
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
        s = state;
        for (;;) {
            if ((s & CANCELLED) != 0) {
                cancelOwned();
                return;
            }
            if (deferred || (s & NOTIFIED) != 0) {
                w.requeue(this); // still OWNED: the new entry holds it (a NOTIFIED bit is cleared by that run)
                return;
            }
            if (nextTracked == null) {
                // About to go idle for the first time: from then on no queue holds it, so
                // shutdown must find it. Done while we still own it; a task that only ever
                // yields or completes is never tracked. (The tracking worker may be sweeping its
                // list meanwhile: it rewrites a live task's link only from one non-null value
                // to another, so this read never sees a tracked task as untracked.)
                w.track(this);
            }
            int witness = (int) STATE.compareAndExchange(this, s, s & ~OWNED);
            if (witness == s) {
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
            boolean owned = (s & OWNED) != 0;
            int next = owned ? s | CANCELLED : OWNED | CANCELLED;
            int witness = (int) STATE.compareAndExchange(this, s, next);
            if (witness == s) {
                if (!owned) {
                    cancelOwned();
                }
                return;
            }
            s = witness;
        }
    }

    /**
     * Cancels the task if it is idle (used by shutdown's sweep of the tracked tasks, after the
     * workers stopped and the queues were drained). Returns whether this call cancelled it.
     */
    boolean cancelIfIdle() {
        int s = state;
        for (;;) {
            if (s != 0) {
                return false; // owned (queued or polled elsewhere) or ended
            }
            int witness = (int) STATE.compareAndExchange(this, s, OWNED | CANCELLED);
            if (witness == s) {
                cancelOwned();
                return true;
            }
            s = witness;
        }
    }

    /** Cancels the task instead of polling it; only by its owner (a drained queue entry, say). */
    void cancelOwned() {
        cancelFuture();
        finish(CANCELLED_OUTCOME);
    }

    private void cancelFuture() {
        Async<T> f = future();
        try {
            f.cancel();
        } catch (Throwable t) {
            scheduler.reportCancelFailure(this, t);
        }
    }

    /** Called by the owner: records the outcome, marks the task COMPLETE, tells the joiners. */
    private void finish(Object outcome) {
        setOutcome(outcome);
        int s = state;
        for (;;) {
            int witness = (int) STATE.compareAndExchange(this, s, (s & ~OWNED) | COMPLETE);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        scheduler.taskEnded();
        wakeWaiters();
    }

    @Override
    boolean ended() {
        return (state & COMPLETE) != 0;
    }

    /**
     * The user's computation. For the owner only, before the end (the outcome replaces it then,
     * so an ended task keeps no user object alive): the poll, the cancel, and the flight
     * recorder's label of a task just polled. No volatile read: this is the hot path.
     */
    @SuppressWarnings("unchecked")
    Async<T> future() {
        return (Async<T>) kept();
    }
}
