package dev.weft.time;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.timer.Clock;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Ticks every {@code period}: the first tick is due at once (at the interval's start), tick k is
 * scheduled at {@code start + k * period} until a tick is taken late (after the following tick
 * was already due), and then the {@link MissedTick} policy decides what follows. Each tick's value is the clock time it was
 * scheduled for (nanoseconds on the runtime's clock).
 *
 * <p>With period 10 ms, start 0, and the consumer taking the tick scheduled at 10 only at 35:
 * <pre>
 *   BURST: 0, 10 (taken at 35), 20, 30 (both at once, catching up), 40, 50 ...
 *   DELAY: 0, 10 (taken at 35), 45, 55 ...          (period counted from each late tick)
 *   SKIP:  0, 10 (taken at 35), 40, 50 ...          (missed ticks dropped, the grid kept)
 * </pre>
 *
 * <p>One timer entry serves every tick. {@link #cancel()} releases it; abandoning one
 * {@link #tick()} future (its {@code cancel()}) releases it too, and the next tick registers
 * afresh.
 *
 * <p>Thread-safety: one consumer at a time, like any {@code Async}.
 */
public final class Interval {
    /** What to do after a tick was taken later than the next one was due. */
    public enum MissedTick {
        /** Keep the original schedule: fire the missed ticks back to back until caught up. */
        BURST,
        /** Restart the schedule from the late tick: the next is one period after it was taken. */
        DELAY,
        /** Keep the grid, drop the missed ticks: the next is the first grid point at or after now. */
        SKIP
    }

    private final TimerRegistration registration = new TimerRegistration();
    private final long periodNanos;
    private final MissedTick policy;
    private long next;
    private boolean started;
    private boolean cancelled;

    private Interval(long periodNanos, MissedTick policy) {
        this.periodNanos = periodNanos;
        this.policy = policy;
    }

    /**
     * An interval of {@code period} (positive) under {@code policy}; it starts when created on a
     * worker, else at its first tick's poll.
     */
    public static Interval every(Duration period, MissedTick policy) {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(policy, "policy");
        long p = Clock.saturatedNanos(period);
        if (p <= 0) {
            throw new IllegalArgumentException("interval period must be positive: " + period);
        }
        Interval i = new Interval(p, policy);
        if (dev.weft.scheduler.Worker.current() != null) {
            i.start();
        }
        return i;
    }

    private void start() {
        next = registration.clock().nanoTime();
        started = true;
    }

    /** The next tick: completes with the clock time it was scheduled for. */
    public Async<Long> tick() {
        return new Async<>() {
            @Override
            public Poll<Long> poll(Context cx) {
                return pollTick(cx);
            }

            @Override
            public void cancel() {
                registration.release();
            }
        };
    }

    /**
     * Allocation-free form of {@link #tick()} for hand-written state machines.
     *
     * @throws CancellationException if the interval was cancelled
     */
    public Poll<Long> pollTick(Context cx) {
        if (cancelled) {
            throw new CancellationException("interval cancelled");
        }
        if (!started) {
            start();
        }
        if (!registration.poll(cx, next) || !cx.consumeBudget()) {
            return Poll.pending();
        }
        long scheduled = next;
        long now = registration.clock().nanoTime();
        long onTime = saturatedAdd(scheduled, periodNanos);
        if (now <= onTime) {
            next = onTime; // taken before the following tick was due: the schedule holds
        } else {
            next = switch (policy) {
                case BURST -> onTime;
                case DELAY -> saturatedAdd(now, periodNanos);
                case SKIP -> { // the first grid point at or after now
                    long periods = (now - scheduled + periodNanos - 1) / periodNanos;
                    yield periods > (Long.MAX_VALUE - scheduled) / periodNanos ? Long.MAX_VALUE : scheduled + periods * periodNanos;
                }
            };
        }
        return Poll.ready(scheduled);
    }

    /** The policy this interval follows. */
    public MissedTick policy() {
        return policy;
    }

    /** Stops the interval and releases its timer; later ticks fail with {@link CancellationException}. */
    public void cancel() {
        cancelled = true;
        registration.release();
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
    }
}
