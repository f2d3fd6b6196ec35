package dev.weft.time;

import dev.weft.scheduler.Scheduler;
import dev.weft.scheduler.Worker;
import dev.weft.task.Context;
import dev.weft.timer.Clock;
import dev.weft.timer.TimerDriver;
import dev.weft.timer.TimerEntry;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part every timer future shares: one {@link TimerEntry}, registered on the first poll for
 * a deadline with the wheel of the worker polling it, woken through the latest poll's waker,
 * and released on cancel.
 *
 * <p>A poll on a thread that is not a worker (a hand-driven poll, an adapter) hands the
 * registration to a worker of the runtime the timer was created in, through that worker's inbox
 * (the inject path); a timer created and polled outside any runtime is an error. A later poll on
 * another worker (the task was stolen) keeps the entry where it is and only replaces its waker.
 *
 * <p>Thread-safety: like the future that owns it, polled by one thread at a time; {@link #release}
 * may come from another thread, never concurrently with a poll.
 */
final class TimerRegistration {
    private static final long NOT_ARMED = Long.MIN_VALUE;
    private static final AtomicInteger OUTSIDE_POLLS = new AtomicInteger();

    private final Scheduler scheduler;
    private TimerEntry entry;
    private TimerDriver driver;
    private long armedFor = NOT_ARMED;

    /** Remembers the runtime of the calling worker (null off the workers) for polls off the workers. */
    TimerRegistration() {
        Worker w = Worker.current();
        this.scheduler = w == null ? null : w.scheduler();
    }

    /** The clock deadlines are measured on: the polling worker's runtime's, else the creating one's. */
    Clock clock() {
        Worker w = Worker.current();
        if (w != null) {
            return w.timers().clock();
        }
        if (scheduler != null) {
            return scheduler.clock();
        }
        throw new IllegalStateException("timer used on " + Thread.currentThread().getName()
                + " outside a Weft runtime: create or poll it on a runtime (Runtime.spawn, Runtime.blockOn)");
    }

    /**
     * Whether {@code deadlineNanos} has passed. If not, the task behind {@code cx} is woken when
     * it does (the entry is registered on the first poll for this deadline).
     */
    boolean poll(Context cx, long deadlineNanos) {
        return poll(cx, deadlineNanos, false);
    }

    /**
     * {@link #poll(Context, long)} for a caller that has just read the clock itself and found
     * {@code deadlineNanos} in the future ({@code checkedFuture}): the poll then reads no clock.
     * That reading is a lower bound on the time now, so the deadline may have passed since; this
     * costs no correctness: the entry is registered, and the wheel, which compares the deadline
     * with its own current tick, fires it at its next advance (or reports it due at once). A
     * sleep created on a worker thus reads the clock once, not twice.
     */
    boolean poll(Context cx, long deadlineNanos, boolean checkedFuture) {
        if (armedFor == deadlineNanos && entry != null) {
            entry.setWaker(cx.waker()); // the task may be polled by another worker now
            return entry.isFired();
        }
        Worker w = Worker.current();
        if (!checkedFuture && deadlineNanos <= clock().nanoTime()) {
            return true;
        }
        if (entry == null) {
            entry = new TimerEntry(cx.waker());
        } else {
            entry.reset(); // FIRED by the previous deadline: not fired for this one
            entry.setWaker(cx.waker());
        }
        if (w != null) {
            driver = w.timers();
            if (!driver.register(entry, deadlineNanos)) {
                return true; // due by the wheel's reckoning
            }
        } else {
            List<Worker> workers = scheduler.workers();
            Worker owner = workers.get(Math.floorMod(OUTSIDE_POLLS.getAndIncrement(), workers.size()));
            TimerDriver d = owner.timers();
            TimerEntry e = entry;
            driver = d;
            owner.runOnOwner(() -> d.registerOrFire(e, deadlineNanos));
        }
        armedFor = deadlineNanos;
        return false;
    }

    /** Cancels the entry if it is pending and forgets it; a later poll registers afresh. */
    void release() {
        TimerEntry e = entry;
        if (e == null) {
            return;
        }
        if (driver != null) {
            driver.cancel(e);
        } else {
            e.cancel();
        }
        entry = null;
        driver = null;
        armedFor = NOT_ARMED;
    }
}
