package dev.weft.io;

import dev.weft.task.Context;
import dev.weft.task.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One file descriptor's membership in a poller: its readiness, and the tasks waiting on it.
 *
 * <p><b>Readiness and the tick.</b> One atomic {@code long} holds the readiness bits (low 16)
 * and a tick (high 48) that counts the events the poller delivered. The descriptor is
 * registered edge-triggered, so an event is reported once per edge; readiness therefore stays
 * set until the I/O code proves it stale. The protocol, for a reader (the writer is the same
 * with the write methods):
 * <pre>
 *   long tick = reg.pollReadReady(cx);         // stores cx.waker() first, then reads the word
 *   if (tick == NOT_READY) return pending;     // the waker is woken by the next event
 *   if (tick == CLOSED) throw closed;
 *   n = read(...);
 *   if (n == WOULD_BLOCK)         { reg.clearReadReady(tick); retry the poll; }
 *   if (n &lt; room) reg.clearReadReady(tick);  // a short read drained the socket
 * </pre>
 * {@link #clearReadReady(long)} clears only if the tick is still the one the read started
 * under: an event that landed between the syscall and the clear bumped the tick, so its edge
 * is kept, not lost. The short-read rule saves the extra syscall that would only say EAGAIN.
 *
 * <p><b>End of stream and errors are sticky.</b> A peer's half-close ({@code EPOLLRDHUP}),
 * a hang-up or an error set {@code READ_CLOSED} / {@code WRITE_CLOSED}, which no clear removes:
 * after them every poll reports ready, so the next syscall surfaces the EOF or the error even
 * if a short read cleared the data bit in the same edge.
 *
 * <p><b>Wakers.</b> One reader and one writer slot. The poll methods store the waker before
 * reading readiness, and the poller sets readiness before taking the waker out of its slot;
 * both are sequentially consistent, so one of the two always sees the other and no wake-up
 * is lost. A woken slot is emptied; the next poll stores its waker again (no write when the
 * same waker is still there). At most one task reads and one task writes at a time.
 *
 * <p><b>Level-triggered pollers.</b> A poller that can only watch levels (a java.nio
 * {@code Selector}, see {@link ChannelKey}) emulates the edges: it stops watching a direction
 * once it reported it, and {@link #clearReadReady(long)} / {@link #clearWriteReady(long)} ask it,
 * through {@link Owner#rearm(Registration, int)}, to watch again whenever they really clear a
 * bit. An edge-triggered poller never re-arms, and the clear pays one branch on a final field.
 *
 * <p><b>Closing.</b> {@link #close()} marks the registration closed, removes it from its
 * poller (the fd stays open: its owner closes it afterwards), and wakes both waiters, whose
 * next poll returns {@link #CLOSED}. Events still in flight for its token are dropped by the
 * poller, because the slot's generation no longer matches.
 *
 * <p>Thread-safety: all methods may be called from any thread. Nothing on the poll, clear or
 * event path allocates.
 */
public final class Registration {
    /** Returned by a poll method: not ready; the waker is stored and will be woken. */
    public static final long NOT_READY = -1;
    /** Returned by a poll method: the registration is closed. */
    public static final long CLOSED = -2;

    /** Readiness bits, as the poller reports them (kept free of any OS's constants). */
    static final int READABLE = 1, WRITABLE = 2, READ_CLOSED = 4, WRITE_CLOSED = 8;
    private static final long CLOSED_BIT = 16;
    private static final int TICK_SHIFT = 16;
    private static final long ONE_TICK = 1L << TICK_SHIFT;
    private static final long READ_READY = READABLE | READ_CLOSED;
    private static final long WRITE_READY = WRITABLE | WRITE_CLOSED;

    private static final VarHandle STATE, READER, WRITER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Registration.class, "state", long.class);
            READER = l.findVarHandle(Registration.class, "reader", Waker.class);
            WRITER = l.findVarHandle(Registration.class, "writer", Waker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a registration needs from its poller: removal, and for a level-triggered one, re-arming. */
    interface Owner {
        /**
         * Removes {@code r} from the kernel's set and the poller's table. A descriptor already
         * closed is not an error; any other refusal throws {@link IllegalStateException}.
         */
        void deregister(Registration r);

        /**
         * Called, for a registration made with re-arming on, after a clear removed the readiness
         * {@code bits} ({@link #READABLE} or {@link #WRITABLE}): watch that direction again.
         * Callable from any thread; must not block.
         */
        default void rearm(Registration r, int bits) {
        }
    }

    private final Owner owner;
    private final int fd;
    private final long token;
    private final boolean rearms;
    @SuppressWarnings("unused") private volatile long state;
    @SuppressWarnings("unused") private volatile Waker reader;
    @SuppressWarnings("unused") private volatile Waker writer;

    /** A registration on an edge-triggered poller. */
    Registration(Owner owner, int fd, long token) {
        this(owner, fd, token, false);
    }

    /**
     * A registration whose owner re-arms on each clear ({@code rearms}, for a level-triggered
     * poller) or not; {@code fd} is -1 where the poller watches a channel, not a descriptor.
     */
    Registration(Owner owner, int fd, long token, boolean rearms) {
        this.owner = owner;
        this.fd = fd;
        this.token = token;
        this.rearms = rearms;
    }

    /** The registered descriptor, or -1 for a java.nio channel. */
    public int fd() {
        return fd;
    }

    /**
     * The token the poller's events carry: table index (low 32 bits) and generation (high 32);
     * on a java.nio poller, a serial number that only names the registration.
     */
    public long token() {
        return token;
    }

    /**
     * Stores {@code cx.waker()} as the reader, then returns the current tick (&gt;= 0) if the
     * descriptor may be readable (data, end of stream or an error), {@link #NOT_READY} if not
     * (the waker will be woken), or {@link #CLOSED}.
     */
    public long pollReadReady(Context cx) {
        Waker w = cx.waker();
        if ((Waker) READER.getVolatile(this) != w) {
            READER.setVolatile(this, w);
        }
        return readiness(READ_READY);
    }

    /** As {@link #pollReadReady(Context)}, for writability (room, a hang-up or an error). */
    public long pollWriteReady(Context cx) {
        Waker w = cx.waker();
        if ((Waker) WRITER.getVolatile(this) != w) {
            WRITER.setVolatile(this, w);
        }
        return readiness(WRITE_READY);
    }

    private long readiness(long mask) {
        long s = (long) STATE.getVolatile(this);
        if ((s & CLOSED_BIT) != 0) {
            return CLOSED;
        }
        return (s & mask) != 0 ? s >>> TICK_SHIFT : NOT_READY;
    }

    /** After a would-block or short read under {@code tick}: forgets readability unless a newer event came. */
    public void clearReadReady(long tick) {
        clear(tick, READABLE);
    }

    /** After a would-block or short write under {@code tick}: forgets writability unless a newer event came. */
    public void clearWriteReady(long tick) {
        clear(tick, WRITABLE);
    }

    private void clear(long tick, long bit) {
        long s = (long) STATE.getVolatile(this);
        while ((s >>> TICK_SHIFT) == tick && (s & bit) != 0) {
            long witness = (long) STATE.compareAndExchange(this, s, s & ~bit);
            if (witness == s) {
                if (rearms) {
                    owner.rearm(this, (int) bit);
                }
                return;
            }
            s = witness;
        }
    }

    /** True once {@link #close()} ran (or the poller closed). */
    public boolean isClosed() {
        return ((long) STATE.getVolatile(this) & CLOSED_BIT) != 0;
    }

    /** The readiness bits now (for tests and diagnostics): READABLE 1, WRITABLE 2, READ_CLOSED 4, WRITE_CLOSED 8, CLOSED 16. */
    public int readinessBits() {
        return (int) ((long) STATE.getVolatile(this) & (ONE_TICK - 1));
    }

    /**
     * Called by the poller for an event carrying this registration's token: adds the bits,
     * bumps the tick, and wakes the waiters the bits concern.
     */
    void onReady(int bits) {
        long s = (long) STATE.getVolatile(this);
        while (true) {
            if ((s & CLOSED_BIT) != 0) {
                return;
            }
            long next = (s + ONE_TICK) | bits;
            long witness = (long) STATE.compareAndExchange(this, s, next);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        if ((bits & READ_READY) != 0) {
            wake(READER);
        }
        if ((bits & WRITE_READY) != 0) {
            wake(WRITER);
        }
    }

    private void wake(VarHandle slot) {
        Waker w = (Waker) slot.getAndSet(this, (Waker) null);
        if (w != null) {
            w.wake();
        }
    }

    /**
     * Closes this registration: marks it closed, removes it from the poller, and wakes the
     * reader and the writer so they observe {@link #CLOSED}. Idempotent. Does not close the fd;
     * close it after this (a removal after the fd is gone is not an error).
     *
     * @throws IllegalStateException if the kernel refused the removal for another reason
     */
    public void close() {
        long s = (long) STATE.getVolatile(this);
        while ((s & CLOSED_BIT) == 0) {
            long witness = (long) STATE.compareAndExchange(this, s, s | CLOSED_BIT);
            if (witness == s) {
                try {
                    owner.deregister(this);
                } finally {
                    wake(READER);
                    wake(WRITER);
                }
                return;
            }
            s = witness;
        }
    }

    @Override
    public String toString() {
        String which = fd >= 0 ? "fd=" + fd + ", index=" + (int) token + ", generation=" + (token >>> 32)
                : "channel #" + token;
        return "Registration[" + which + ", bits=" + readinessBits() + "]";
    }
}
