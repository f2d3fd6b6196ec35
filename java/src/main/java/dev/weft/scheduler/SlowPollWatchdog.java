package dev.weft.scheduler;

import dev.weft.task.Poll;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Names any task whose single poll blocks its worker longer than a threshold, with the worker's
 * stack at that moment, while the poll still blocks. An async runtime's worst failure is a poll
 * that blocks (a lock, a blocking read, a long computation): every task queued behind it waits,
 * and nothing else says why.
 *
 * <p><b>Sampling, not timing.</b> The workers pay nothing for this: no clock read, no store, not
 * even a flag; the scheduler keeps the polled task in no field (see {@code Task}). A worker
 * already counts its polls ({@link WorkerCounters#polls}, incremented as each poll starts). One
 * daemon thread per runtime wakes every {@code threshold / 2} (at least 1 ms) and reads each
 * worker's count. A count that has not moved across samples spanning the threshold makes the
 * worker a suspect: it has started no poll for that long, so it is either still inside the last
 * one, or parked, or in scheduler code between polls. The worker's stack tells which: inside a
 * poll, the frame that {@code Task.run} called belongs to the task's code, not to this package
 * (a trace cut short by the VM's depth limit, which never reaches the worker's {@code run},
 * counts as inside too: only user code is that deep). A suspect inside a poll is reported, with
 * that frame as the task's name and {@code now - first sighting of the count} as a lower bound
 * of the time blocked; either way the count is settled until it moves, so a parked worker costs
 * one stack walk per idle spell and a slow poll is reported once. A poll is thus reported between
 * 1 and about 1.5 thresholds after it began (plus scheduling delay); a shorter one never is. (Go's
 * sysmon finds a goroutine that runs too long the same way: a per-P tick count and when it
 * last moved.)
 *
 * <p><b>Memory ordering.</b> The worker increments its count with a plain store; the watchdog
 * reads it opaquely. A stale read only delays a report by a sample. The count is read again after
 * the stack is taken, which is a handshake with the worker, so it is fresh then: if it moved, the
 * poll ended meanwhile and the stack is another's, and nothing is reported.
 *
 * <p><b>A report</b> is a {@code System.Logger} WARNING (task, worker, time blocked, the tasks
 * held back behind the worker ({@link Worker#tasksHeldBack}, read after the stack: a count as of
 * then, from plain fields), stack), a
 * {@code dev.weft.SlowPoll} Flight Recorder event, the {@link SlowPollListener} if one is set,
 * and one more in {@link #slowPolls()}. {@link Thread#getStackTrace()} is the only cost the
 * worker ever sees: a brief handshake, once per suspect.
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

    /** Per worker: the poll count last seen, since when, and whether that count is settled. */
    private final long[] seenPolls;
    private final long[] seenSince;
    private final boolean[] settled;

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
        this.seenSince = new long[n];
        this.settled = new boolean[n];
        Arrays.fill(seenPolls, -1); // no count yet: the first sample starts watching
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
            if (polls != seenPolls[i]) {
                seenPolls[i] = polls;
                seenSince[i] = now;
                settled[i] = false;
            } else if (!settled[i] && now - seenSince[i] >= thresholdNanos) {
                StackTraceElement[] stack = w.getStackTrace();
                if (w.counters.pollsOpaque() != polls) {
                    continue; // it moved on while the stack was taken: the next sample starts over
                }
                settled[i] = true;
                String task = pollFrame(stack);
                if (task != null) {
                    report(w, task, stack, now - seenSince[i], w.tasksHeldBack());
                }
            }
        }
    }

    /**
     * The frame {@code Task.run} called, as "class.method(File.java:line)", if it is the task's own
     * code (the worker is inside a poll); "(beyond the stack depth limit)" for a trace too deep to
     * reach the worker's run(); null when the worker is parked or in scheduler code. The
     * scheduler's code is this package's, and {@link Poll}'s (read as the poll returns).
     */
    static String pollFrame(StackTraceElement[] stack) {
        for (int i = 1; i < stack.length; i++) {
            if (stack[i].getClassName().equals(Task.class.getName()) && stack[i].getMethodName().equals("run")) {
                StackTraceElement callee = stack[i - 1];
                String cls = callee.getClassName();
                boolean scheduler = cls.startsWith(Task.class.getPackageName() + ".") || cls.equals(Poll.class.getName());
                return scheduler ? null : cls + "." + callee.getMethodName() + "(" + callee.getFileName() + ":"
                        + callee.getLineNumber() + ")";
            }
        }
        boolean reachesRun = stack.length > 0 && stack[stack.length - 1].getClassName().equals(Worker.class.getName());
        return reachesRun || stack.length == 0 ? null : "(beyond the stack depth limit)";
    }

    private void report(Worker w, String task, StackTraceElement[] stack, long elapsedNanos, int heldBack) {
        slowPolls = slowPolls + 1; // single writer
        String frames = frames(stack);
        LOG.log(System.Logger.Level.WARNING, () -> "slow poll: " + task + " has blocked worker " + w.getName()
                + " for " + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms (threshold "
                + TimeUnit.NANOSECONDS.toMillis(thresholdNanos) + " ms)"
                + (heldBack > 0 ? "; " + heldBack + " queued task(s) only it can run wait behind it" : "")
                + "; a poll must not block: move the blocking call to spawnBlocking. Worker stack:\n" + frames);
        FlightEvents.slowPoll(task, w.getName(), elapsedNanos, frames, heldBack);
        if (listener != null) {
            try {
                listener.slowPoll(task, w.getName(), elapsedNanos, stack, heldBack);
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
