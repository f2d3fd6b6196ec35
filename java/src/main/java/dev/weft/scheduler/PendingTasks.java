package dev.weft.scheduler;

/**
 * The tasks a worker saw go idle, so that shutdown can cancel a task no queue holds (one that
 * waits on a waker somewhere in user code).
 *
 * <p><b>Algorithm.</b> A singly linked list through {@link Task#nextTracked}, ended by the
 * {@link #END} sentinel rather than null; a task joins it the first time it goes idle, so adding
 * costs two plain writes. Ended tasks are unlinked in a sweep each time the list has doubled
 * since the last one: amortized O(1) per task, and the list stays within twice the number of its
 * tasks not yet ended (ended tasks hold no future: it is dropped when they end, so the list keeps
 * no user object alive).
 *
 * <p><b>Invariant.</b> A task's {@code nextTracked} is null exactly while it was never tracked
 * (or has ended and been swept out): adding sets it non-null, a sweep moves a live task's link
 * from one non-null value to another and nulls only ended tasks' links. The thread that owns the
 * task next (maybe another worker, racing a sweep here) reads that field to decide whether to
 * track it, so it must never see null for a tracked task.
 *
 * <p>Thread-safety: none. Touched only by the owning worker's thread, and by shutdown after that
 * thread ended (its termination happens-before the joiner's sweep).
 */
final class PendingTasks {
    private static final int MIN_SWEEP_AT = 64;
    /** The end of every list: never polled, never ended. */
    static final Task<?> END = new Task<>(null, null);

    private Task<?> head = END;
    private int count;
    private int sweepAt = MIN_SWEEP_AT;

    /** Adds a task about to go idle for the first time. */
    void add(Task<?> t) {
        t.nextTracked = head;
        head = t;
        if (++count >= sweepAt) {
            sweepEnded();
        }
    }

    private void sweepEnded() {
        Task<?> first = END;
        Task<?> last = null;
        int n = 0;
        for (Task<?> t = head; t != END; ) {
            Task<?> next = t.nextTracked;
            if ((t.state() & Task.COMPLETE) == 0) {
                if (last == null) {
                    first = t;
                } else {
                    last.nextTracked = t; // non-null to non-null (see the invariant)
                }
                last = t;
                n++;
            } else {
                t.nextTracked = null; // ended: never polled again, and keeps nothing alive
            }
            t = next;
        }
        if (last != null) {
            last.nextTracked = END;
        }
        head = first;
        count = n;
        sweepAt = Math.max(MIN_SWEEP_AT, 2 * n);
    }

    /**
     * Shutdown: cancels every task on the list that nobody is polling and empties the list.
     * Returns how many were still running (being polled: a worker stuck in a poll).
     */
    int cancelAll() {
        int stuck = 0;
        for (Task<?> t = head; t != END; t = t.nextTracked) {
            if (!t.cancelIfIdle() && (t.state() & Task.COMPLETE) == 0) {
                stuck++;
            }
        }
        head = END;
        count = 0;
        return stuck;
    }
}
