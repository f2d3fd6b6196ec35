package dev.weft.timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until {@link #advance(Duration)} or {@link #advanceTo(long)} moves
 * it. A runtime started paused also moves it to the next timer deadline when every worker is
 * idle, so a test of a one-hour timeout runs in milliseconds.
 *
 * <p>Thread-safety: every method may be called from any thread; concurrent advances compose
 * (each one adds its amount) and {@link #advanceTo(long)} never moves time back.
 */
public final class PausedClock extends Clock {
    private final AtomicLong now = new AtomicLong();

    PausedClock() {
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public boolean isPaused() {
        return true;
    }

    /**
     * Moves time forward by {@code duration} (saturating at {@link Long#MAX_VALUE}) and returns
     * the new time.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public long advance(Duration duration) {
        long d = saturatedNanos(duration);
        if (d < 0) {
            throw new IllegalArgumentException("cannot advance a clock by a negative duration: " + duration);
        }
        return now.accumulateAndGet(d, (cur, add) -> {
            long sum = cur + add;
            return sum < cur ? Long.MAX_VALUE : sum;
        });
    }

    /** Moves time to {@code nanos} if that is later than now; returns the new time. */
    public long advanceTo(long nanos) {
        return now.accumulateAndGet(nanos, Math::max);
    }

    @Override
    public String toString() {
        return "Clock.paused(" + now.get() + " ns)";
    }
}
