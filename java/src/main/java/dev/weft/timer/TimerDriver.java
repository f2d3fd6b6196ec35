package dev.weft.timer;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One worker's timers: its {@link TimerWheel}, read against the runtime's {@link Clock}.
 *
 * <p>The worker calls {@link #fireExpired()} after each of its poller turns and parks for
 * {@link #parkTimeoutNanos()}; a timer polled on this worker registers here
 * ({@link #register}). Nothing ticks while the wheel is empty: the park has no timeout then.
 *
 * <p><b>Cancel from another thread.</b> The wheel is the owner's alone, so {@link #cancel} on
 * another thread only flips the entry's state (which decides fire-versus-cancel exactly once) and
 * hands the unlinking to the owner through its inbox ({@code ownerInbox}, which wakes it). If
 * the entry's slot comes up first, the owner drops it there; the hand-off then finds it unlinked.
 *
 * <p><b>Paused time.</b> With a paused clock time never moves by itself, so the park timeout is
 * unlimited; {@link #nextDeadlineNanos()} (published at each park) lets the runtime find the
 * earliest deadline of all workers and jump the clock there when every worker is idle.
 *
 * <p>Thread-safety: {@link #cancel}, {@link #nextDeadlineNanos()}, {@link #clock()} and
 * {@link #isOwnerThread()} are safe from any thread; every other method runs on the owner.
 */
public final class TimerDriver {
    /**
     * {@link #nextDeadlineNanos()} when no timer is pending (deadlines are never negative, and
     * Long.MAX_VALUE is a real one: the end of time a saturated sleep waits for).
     */
    public static final long NO_DEADLINE = -1;

    /**
     * The longest timed park: a far timer (up to 292 years) wakes the worker once a day instead,
     * which costs nothing and keeps every poller's nanos-to-millis conversion far from overflow.
     */
    static final long MAX_PARK_NANOS = 86_400_000_000_000L;

    private final Clock clock;
    private final Thread owner;
    private final Executor ownerInbox;
    private final TimerWheel wheel;
    private volatile long nextDeadlineNanos = NO_DEADLINE;
    private volatile boolean closed;
    private long fired;

    /**
     * @param clock      the runtime's clock
     * @param owner      the only thread that touches the wheel
     * @param ownerInbox runs a task on {@code owner} soon, waking it if parked
     */
    public TimerDriver(Clock clock, Thread owner, Executor ownerInbox) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.ownerInbox = Objects.requireNonNull(ownerInbox, "ownerInbox");
        this.wheel = new TimerWheel(TimerWheel.floorTick(clock.nanoTime()));
    }

    public Clock clock() {
        return clock;
    }

    public boolean isOwnerThread() {
        return Thread.currentThread() == owner;
    }

    /**
     * Links {@code entry} to fire at {@code deadlineNanos} (owner thread). Returns {@code false}
     * without linking it when the deadline's tick has already been processed (the caller
     * completes at once) or the entry was cancelled. It reads no clock: the caller, which has
     * just compared the deadline with the clock, pays for one read, not two.
     */
    public boolean register(TimerEntry entry, long deadlineNanos) {
        checkOwner("register");
        return wheel.insert(entry, TimerWheel.ceilTick(deadlineNanos));
    }

    /**
     * Like {@link #register}, but an already-due deadline fires the entry (its waker is called)
     * instead of returning: for a registration handed over from another thread, whose poll
     * has already returned pending. A cancelled entry is left alone.
     */
    public void registerOrFire(TimerEntry entry, long deadlineNanos) {
        boolean due = deadlineNanos <= clock.nanoTime();
        if (due || !register(entry, deadlineNanos)) {
            entry.expire(); // does nothing if the entry was cancelled meanwhile
        }
    }

    /**
     * Cancels {@code entry} from any thread. Returns {@code true} if this call stopped it from
     * firing. On the owner the entry is cancelled and unlinked at once, with no atomic instruction
     * ({@link TimerWheel#cancel}); elsewhere it is cancelled by CAS and the owner is asked to unlink it.
     */
    public boolean cancel(TimerEntry entry) {
        if (isOwnerThread()) {
            return wheel.cancel(entry);
        }
        if (!entry.cancel()) {
            return false;
        }
        if (!closed) {
            ownerInbox.execute(() -> wheel.remove(entry));
        }
        // closed: the owner has stopped and its wheel is garbage; the cancelled state suffices
        return true;
    }

    /** Called by the owner as it stops: later cancels no longer hand entries to it. */
    public void close() {
        closed = true;
    }

    /** Fires every entry due by now (owner thread); returns how many fired. */
    public int fireExpired() {
        if (wheel.isEmpty()) {
            return 0;
        }
        long now = clock.nanoTime();
        // The end of time (a paused clock saturated at Long.MAX_VALUE) is past every deadline,
        // including one of Long.MAX_VALUE ns whose tick, rounded up, lies past floorTick(now).
        int n = wheel.advance(now == Long.MAX_VALUE ? TimerWheel.ceilTick(now) : TimerWheel.floorTick(now));
        fired += n;
        return n;
    }

    /**
     * How long the owner may park (owner thread): -1 for no limit (no timer, or a paused clock),
     * else the nanoseconds until the wheel's next slot is due (0 if it is already due). Also
     * publishes {@link #nextDeadlineNanos()}.
     */
    public long parkTimeoutNanos() {
        long next = wheel.nextExpiration();
        if (next == TimerWheel.NONE) {
            nextDeadlineNanos = NO_DEADLINE;
            return -1;
        }
        long deadline = next > Long.MAX_VALUE / TimerWheel.NANOS_PER_TICK ? Long.MAX_VALUE : next * TimerWheel.NANOS_PER_TICK;
        nextDeadlineNanos = deadline;
        if (clock.isPaused()) {
            return -1; // paused time moves only when advanced; the runtime wakes us then
        }
        return Math.min(MAX_PARK_NANOS, Math.max(0, deadline - clock.nanoTime()));
    }

    /** The earliest pending deadline as of the owner's last park, or {@link #NO_DEADLINE}. */
    public long nextDeadlineNanos() {
        return nextDeadlineNanos;
    }

    /** Timers fired so far (owner's count; approximate from other threads). */
    public long firedCount() {
        return fired;
    }

    /** Entries linked in the wheel (owner's count; approximate from other threads). */
    public int pendingCount() {
        return wheel.size();
    }

    private void checkOwner(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(what + " called on " + Thread.currentThread().getName()
                    + ", not on the wheel's owner " + owner.getName());
        }
    }
}
