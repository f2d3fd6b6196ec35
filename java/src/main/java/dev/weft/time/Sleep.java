package dev.weft.time;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.timer.Clock;

import java.time.Duration;
import java.util.Objects;

/**
 * Completes (with {@code null}) once its deadline has passed on the runtime's clock.
 *
 * <p><b>Deadlines.</b> {@link #after(Duration)} measures from its creation when created on a
 * worker, else from its first poll. Zero and negative durations, and deadlines already past, are
 * ready on the first poll without touching a wheel. Durations past the wheel's 2.2-year range, up
 * to {@code Long.MAX_VALUE} nanoseconds and beyond, saturate at {@code Long.MAX_VALUE} ns on the
 * clock: such a sleep is pending for about 292 years, never overflows, and is cancellable.
 * Resolution is 1 ms, rounded up: a sleep never completes early.
 *
 * <p><b>Cost.</b> One clock read (at creation on a worker, else at the first poll) and one timer
 * entry, registered on the first pending poll with the wheel of the polling worker; a fired timer
 * spends one unit of the task's budget. {@link #cancel()} (called by the runtime when the task is
 * aborted, or by a combinator that abandons it) unlinks the entry.
 *
 * <p>Thread-safety: an {@code Async}; polled by one thread at a time.
 */
public final class Sleep implements Async<Void> {
    private final TimerRegistration registration = new TimerRegistration();
    private Duration fromFirstPoll;
    private long deadlineNanos;
    /** {@link #resolve()} found the deadline in the future; cleared by the poll that relies on it. */
    private boolean futureWhenResolved;

    private Sleep(Duration fromFirstPoll, long deadlineNanos) {
        this.fromFirstPoll = fromFirstPoll;
        this.deadlineNanos = deadlineNanos;
    }

    /** A sleep of {@code duration} (zero or negative: ready at once). */
    public static Sleep after(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        Sleep s = new Sleep(duration, 0);
        if (dev.weft.scheduler.Worker.current() != null) {
            s.resolve();
        }
        return s;
    }

    /**
     * A sleep until {@code deadlineNanos} on the runtime's clock ({@code Runtime.nanoTime()},
     * {@code Weft.nanoTime()}); a deadline in the past is ready at once.
     */
    public static Sleep until(long deadlineNanos) {
        return new Sleep(null, deadlineNanos);
    }

    /** The deadline on the runtime's clock (resolved at creation on a worker, else at first poll). */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    private void resolve() {
        long now = registration.clock().nanoTime();
        deadlineNanos = Clock.deadlineAfter(now, fromFirstPoll);
        fromFirstPoll = null;
        futureWhenResolved = deadlineNanos > now;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        if (fromFirstPoll != null) {
            resolve();
        }
        // The first poll after resolve() trusts its reading: one clock read per sleep, not two
        // (see TimerRegistration.poll). Later polls read no clock at all.
        boolean checkedFuture = futureWhenResolved;
        futureWhenResolved = false;
        if (!registration.poll(cx, deadlineNanos, checkedFuture) || !cx.consumeBudget()) {
            return Poll.pending();
        }
        return Poll.ready(null);
    }

    /** Releases the timer entry; the sleep never completes afterwards. */
    @Override
    public void cancel() {
        registration.release();
    }

    @Override
    public String toString() {
        return fromFirstPoll != null ? "Sleep[" + fromFirstPoll + " from first poll]" : "Sleep[until " + deadlineNanos + " ns]";
    }
}
