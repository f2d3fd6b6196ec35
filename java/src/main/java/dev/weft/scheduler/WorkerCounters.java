package dev.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's event counts. Written only by the owning worker (and, for
 * {@link #pollerSteals}, by that worker as a thief); read by anyone for metrics.
 *
 * <p>Thread-safety: plain fields, so a reader on another thread may see a slightly stale value;
 * each count only grows, and every count is exact once the runtime has shut down. (64-bit
 * HotSpot never tears these reads.)
 */
public final class WorkerCounters {
    private static final VarHandle POLLS;

    static {
        try {
            POLLS = MethodHandles.lookup().findVarHandle(WorkerCounters.class, "polls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Task polls run by this worker. */
    long polls;
    /** Successful steals (operations) and the tasks they moved. */
    long steals;
    long stolenTasks;
    /** Blocking waits in the poller, and wakes by another worker out of them. */
    long parks;
    long unparks;
    /** Times the local ring was full and moved half of itself to the inject queue. */
    long overflows;
    /** Events handled by this worker's own poller turns. */
    long pollerEvents;
    /** Non-blocking polls of another worker's stalled poller, done by this worker. */
    long pollerSteals;
    /** Polls ended by a spent budget. */
    long budgetYields;
    /** Timers fired by this worker's wheel. */
    long timersFired;
    /** Tasks spawned on this worker, and tasks that ended here (for the alive count). */
    long spawned;
    long ended;
    /** Nanoseconds spent parked (busy time = uptime - this). */
    long parkedNanos;

    public long polls() { return polls; }
    /** {@link #polls} read with opaque semantics, for a thread that samples progress (the watchdog). */
    long pollsOpaque() { return (long) POLLS.getOpaque(this); }
    public long steals() { return steals; }
    public long stolenTasks() { return stolenTasks; }
    public long parks() { return parks; }
    public long unparks() { return unparks; }
    public long overflows() { return overflows; }
    public long pollerEvents() { return pollerEvents; }
    public long pollerSteals() { return pollerSteals; }
    public long budgetYields() { return budgetYields; }
    public long parkedNanos() { return parkedNanos; }
    public long timersFired() { return timersFired; }
}
