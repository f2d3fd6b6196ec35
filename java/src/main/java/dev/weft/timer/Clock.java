package dev.weft.timer;

import java.time.Duration;
import java.util.Objects;

/**
 * The time source of a runtime's timers: nanoseconds since the clock's origin, never negative,
 * never going back.
 *
 * <p>{@link #real()} follows {@link System#nanoTime()}; {@link PausedClock} stands still until
 * advanced, so timer-heavy code tests in milliseconds.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public abstract class Clock {

    Clock() {
    }

    /** Nanoseconds since this clock's origin (>= 0, monotonic). */
    public abstract long nanoTime();

    /** Whether this clock only moves when told to. */
    public abstract boolean isPaused();

    /** A clock that follows {@link System#nanoTime()}, with its origin now. */
    public static Clock real() {
        return new RealClock();
    }

    /** A paused clock at its origin. */
    public static PausedClock paused() {
        return new PausedClock();
    }

    /**
     * The deadline {@code duration} after {@code nowNanos}: zero and negative durations mean now,
     * and a sum past {@link Long#MAX_VALUE} saturates there (never overflows).
     */
    public static long deadlineAfter(long nowNanos, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        long d = saturatedNanos(duration);
        if (d <= 0) {
            return nowNanos;
        }
        long sum = nowNanos + d;
        return sum < nowNanos ? Long.MAX_VALUE : sum;
    }

    /**
     * {@code duration} in nanoseconds, saturated to [Long.MIN_VALUE, Long.MAX_VALUE] instead of
     * the {@link ArithmeticException} {@link Duration#toNanos()} throws past about 292 years.
     */
    public static long saturatedNanos(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        long seconds = duration.getSeconds();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + duration.getNano();
    }

    private static final class RealClock extends Clock {
        private final long origin = System.nanoTime();

        @Override
        public long nanoTime() {
            // nanoTime differences are correct across its wrap-around; the origin is "now", so
            // the difference is non-negative for the next 292 years.
            return System.nanoTime() - origin;
        }

        @Override
        public boolean isPaused() {
            return false;
        }

        @Override
        public String toString() {
            return "Clock.real";
        }
    }
}
