package dev.weft;

import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import dev.weft.time.Interval;
import dev.weft.time.Sleep;
import dev.weft.time.Timeout;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Static entry points for code running inside a runtime: they find the runtime through the
 * current worker thread (a field of the worker, no {@code ThreadLocal}).
 *
 * <p>Thread-safety: safe from any worker thread; from other threads {@link #spawn} and
 * {@link #spawnBlocking} throw {@link IllegalStateException} (use a {@link Runtime} directly).
 */
public final class Weft {
    private Weft() {
    }

    /** Spawns {@code async} on the current runtime (on the calling worker's queue). */
    public static <T> JoinHandle<T> spawn(Async<T> async) {
        return current("spawn").spawn(async);
    }

    /** Runs {@code job} on the current runtime's blocking pool. */
    public static <T> JoinHandle<T> spawnBlocking(Callable<T> job) {
        return current("spawnBlocking").spawnBlocking(job);
    }

    /** Pending once (re-polled behind the tasks queued on its worker), then ready. */
    public static Async<Void> yieldNow() {
        return Async.yieldNow();
    }

    /**
     * Completes once {@code duration} has passed on the runtime's clock (1 ms resolution, never
     * early; zero or negative: at once). Measured from here on a worker, else from its first poll.
     */
    public static Sleep sleep(Duration duration) {
        return Sleep.after(duration);
    }

    /** Completes once the runtime's clock ({@link #nanoTime()}) reaches {@code deadlineNanos}. */
    public static Sleep sleepUntil(long deadlineNanos) {
        return Sleep.until(deadlineNanos);
    }

    /**
     * {@code async}'s outcome if it finishes within {@code limit}, else a failure with
     * {@link java.util.concurrent.TimeoutException} (and {@code async} is cancelled).
     */
    public static <T> Timeout<T> timeout(Duration limit, Async<T> async) {
        return Timeout.of(limit, async);
    }

    /** Ticks every {@code period}, the first at once; {@code policy} decides what follows a late tick. */
    public static Interval interval(Duration period, Interval.MissedTick policy) {
        return Interval.every(period, policy);
    }

    /** The current runtime's clock in nanoseconds (the scale of {@link #sleepUntil(long)}). */
    public static long nanoTime() {
        return current("nanoTime").nanoTime();
    }

    private static Runtime current(String what) {
        Runtime rt = Runtime.current();
        if (rt == null) {
            throw new IllegalStateException("Weft." + what + "() called on " + Thread.currentThread().getName()
                    + ", which is not a Weft worker; use Runtime." + what + "()");
        }
        return rt;
    }
}
