package dev.weft.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Names any task whose single poll blocks its worker longer than a threshold, with the worker's
 * stack at that moment, while the poll still blocks. An async runtime's worst failure is a poll
 * that blocks (a lock, a blocking read, a long computation): every task queued behind it waits,
 * and nothing else says why.
 *
 * <p><b>Sampling, not timing.</b> The hot path pays nothing for this: no clock read, no store
 * beyond what a poll already does. A worker already counts its polls ({@link WorkerCounters#polls},
 * incremented as each poll starts) and holds the task it polls in its context (null between
 * polls). One daemon thread per runtime wakes every {@code threshold / 2} (at least 1 ms) and
 * reads both, per worker. The pair (poll count, task) names one poll: the count never repeats,
 * and the task is set only after the count moved. A worker seen in the same poll by samples that
 * span at least the threshold has been inside that poll at least that long; it is reported then,
 * once, with {@code now - first sighting} as a lower bound of the time blocked. So a poll is
 * reported between 1 and 1.5 thresholds after it began (plus scheduling delay), and a poll
 * shorter than the threshold never is. A worker parked in its poller, or running scheduler code
 * between polls, holds no task and is never reported, however long it stays there. (This is Go's
 * sysmon test for a goroutine that runs too long: a per-P tick count and the time it last moved.)
 *
 * <p><b>Memory ordering.</b> The worker writes both plainly; the watchdog reads the count, then
 * the task, with opaque reads. A stale read can only make the pair look new (a report one sample
 * later) or, at worst, carry a task over the few nanoseconds between two stores; a false report
 * would need a value stale for a whole threshold, which coherent caches do not allow.
 *
 * <p><b>A report</b> is a {@code System.Logger} WARNING (task, worker, time blocked, stack), a
 * {@code dev.weft.SlowPoll} Flight Recorder event, the {@link SlowPollListener} if one is set,
 * and one more in {@link #slowPolls()}. The stack is taken with {@link Thread#getStackTrace()}
 * (a handshake with that one thread, only when reporting); if the poll ended meanwhile, the stack
 * would show something else, so the report carries none. The task is named by {@link TaskLabel},
 * never by calling user code.
 *
 * <p><b>Lifetime.</b> Started with the workers; {@link #stop} wakes and joins it at shutdown. An
 * exception in a sample or in the listener is logged and the watchdog goes on; an interrupt is
 * ignored (only {@link #stop} ends it). The listener runs on this thread and delays the next
 * sample while it runs.
 *
 * <p>Thread-safety: {@link #start}, {@link #stop} and {@link #slowPolls} are safe from any thread;
 * the sighting arrays belong to the watchdog thread.
 */
final class SlowPollWatchdog implements Runnable {
    private static final System.Logger LOG = System.getLogger(SlowPollWatchdog.class.getName());
    static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Worker[] workers;
    private final long thresholdNanos;
    private final long intervalNanos;
    private final SlowPollListener listener;
    private final Thread thread;
    private volatile boolean stopped;
    /** Slow polls reported; written by the watchdog thread only. */
    private volatile long slowPolls;

    /** Per worker, the poll last seen (count and task), since when, and whether it was reported. */
    private final long[] seenPolls;
    private final Task<?>[] seenTask;
    private final long[] seenSince;
    private final boolean[] seenReported;

    /**
     * @param listener told about each slow poll, or null
     */
    SlowPollWatchdog(Worker[] workers, String threadName, long thresholdNanos, SlowPollListener listener) {
        if (thresholdNanos <= 0) {
            throw new IllegalArgumentException("slow-poll threshold must be positive: " + thresholdNanos + " ns");
        }
        this.workers = workers.clone();
        this.thresholdNanos = thresholdNanos;
        this.intervalNanos = Math.max(MIN_INTERVAL_NANOS, thresholdNanos / 2);
        this.listener = listener;
        int n = workers.length;
        this.seenPolls = new long[n];
        this.seenTask = new Task<?>[n];
        this.seenSince = new long[n];
        this.seenReported = new boolean[n];
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Stops the watchdog and waits for its thread until {@code deadlineNanos} ({@link System#nanoTime}
     * scale). Returns whether the thread ended (or is the caller: a listener that closes the
     * runtime; it ends as the listener returns).
     */
    boolean stop(long deadlineNanos) throws InterruptedException {
        stopped = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return true;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    /** Slow polls reported so far. */
    long slowPolls() {
        return slowPolls;
    }

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, intervalNanos);
            Thread.interrupted(); // an interrupt would make every later park return at once
            if (stopped) {
                return;
            }
            try {
                sample(System.nanoTime());
                FlightEvents.refresh();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, thread.getName() + ": a sample failed; watching on", e);
            }
        }
    }

    /** One look at every worker (see the class comment). */
    private void sample(long now) {
        for (int i = 0; i < workers.length; i++) {
            Worker w = workers[i];
            long polls = w.counters.pollsOpaque();
            Task<?> task = w.context.taskBeingPolled();
            if (task == null) {
                seenTask[i] = null; // between polls or parked: nothing to watch
            } else if (task != seenTask[i] || polls != seenPolls[i]) {
                seenTask[i] = task;
                seenPolls[i] = polls;
                seenSince[i] = now;
                seenReported[i] = false;
            } else if (!seenReported[i] && now - seenSince[i] >= thresholdNanos) {
                seenReported[i] = true;
                report(w, task, polls, now - seenSince[i]);
            }
        }
    }

    private void report(Worker w, Task<?> task, long polls, long elapsedNanos) {
        StackTraceElement[] stack = w.getStackTrace();
        if (w.counters.pollsOpaque() != polls || w.context.taskBeingPolled() != task) {
            stack = new StackTraceElement[0]; // the poll ended meanwhile: this stack is another's
        }
        slowPolls = slowPolls + 1; // single writer
        String label = TaskLabel.of(task);
        String frames = frames(stack);
        LOG.log(System.Logger.Level.WARNING, () -> "slow poll: task " + label + " has blocked worker " + w.getName()
                + " for " + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms (threshold "
                + TimeUnit.NANOSECONDS.toMillis(thresholdNanos) + " ms); a poll must not block: move the blocking"
                + " call to spawnBlocking. Worker stack:\n" + (frames.isEmpty() ? "\t(the poll ended meanwhile)\n" : frames));
        FlightEvents.slowPoll(label, w.getName(), elapsedNanos, frames);
        if (listener != null) {
            try {
                listener.slowPoll(label, w.getName(), elapsedNanos, stack);
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, thread.getName() + ": the slow-poll callback threw; watching on", e);
            }
        }
    }

    /** The frames, one "\tat frame\n" line each, as in a Java stack trace. */
    private static String frames(StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement f : stack) {
            sb.append("\tat ").append(f).append('\n');
        }
        return sb.toString();
    }
}
