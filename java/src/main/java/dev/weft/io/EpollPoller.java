package dev.weft.io;

import dev.weft.sys.Errno;
import dev.weft.sys.LinuxAbi;
import dev.weft.sys.Posix;
import dev.weft.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Poller} over Linux epoll, through either binding ({@code JniSyscalls} or
 * {@code JnrSyscalls}).
 *
 * <p><b>Registration table.</b> Each registered fd gets a slot in a table; its token, stored
 * in {@code epoll_data}, is the slot index (low 32 bits) and the slot's generation (high 32),
 * bumped on each reuse. An event is delivered only to the registration whose whole token
 * matches, so an event for a closed registration (still in a batch, or from a dup'd
 * descriptor the kernel keeps in the set) never wakes the task that reuses the slot or the fd
 * number. Slots are freed on close and reused LIFO. Writers (register, deregister) hold a
 * lock; the polling thread reads the table without one: it reads the table reference once
 * per batch, after {@code epoll_wait} returned, so every registration whose {@code EPOLL_CTL_ADD}
 * preceded an event in the batch is already published (with release/acquire on the slot).
 *
 * <p><b>Interest.</b> Every fd is added once with {@code EPOLLIN | EPOLLOUT | EPOLLRDHUP |
 * EPOLLET} and never modified: readiness is tracked per registration (see
 * {@link Registration}), so a task's interest change costs no syscall.
 *
 * <p><b>Waiting and waking.</b> One {@code epoll_wait} per poll fills an off-heap array of
 * {@code epoll_event}s, which is decoded in one pass using the struct layout from the
 * binding's ABI. The wake-up fd is an {@code eventfd} registered edge-triggered and never
 * read: each write is a new edge. A {@link WakeupLatch} makes {@link #wakeup()} write only
 * while the owner is blocked, so a wake costs at most one syscall and none when not parked.
 * A positive timeout below one millisecond rounds up to 1 ms (epoll's unit), never down to a
 * busy poll.
 *
 * <p>Thread-safety: as {@link Poller}; {@link #register(int)} and {@link Registration#close()}
 * may be called from any thread.
 */
public final class EpollPoller implements Poller, Registration.Owner {
    /**
     * Events decoded per wait; more ready fds stay, in order, in the kernel's ready list for the
     * next poll. Half a worker's local queue (256 slots): one wait then never wakes more tasks
     * than the queue has room for, which would overflow it and make service unfair.
     */
    static final int DEFAULT_MAX_EVENTS = 128;
    /** The eventfd's token: index 0xFFFFFFFF is never a table slot. */
    static final long WAKE_TOKEN = -1L;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Registration[].class);

    private final Syscalls sys;
    private final Posix posix;
    private final Errno errno;
    private final String name;
    private final int epfd;
    private final int wakeFd;
    private final ByteBuffer events;
    private final long eventsAddress;
    private final int maxEvents;
    private final int eventSize, eventsOffset, dataOffset;
    private final int epollIn, epollOut, epollRdHup, epollHup, epollErr, interest;
    private final WakeupLatch latch = new WakeupLatch();

    private final Object tableLock = new Object();
    private volatile Registration[] table = new Registration[64];
    private int[] generations = new int[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int used;
    /** {@code used - freeCount}: written under {@code tableLock}, read without it. */
    private volatile int live;
    private volatile boolean closed;

    /** An epoll poller over {@code sys}, decoding up to {@value #DEFAULT_MAX_EVENTS} events per wait. */
    public EpollPoller(Syscalls sys) throws IOException {
        this(sys, DEFAULT_MAX_EVENTS);
    }

    public EpollPoller(Syscalls sys, int maxEvents) throws IOException {
        this.sys = Objects.requireNonNull(sys, "sys");
        if (maxEvents < 1 || maxEvents > 1 << 16) {
            throw new IllegalArgumentException("maxEvents " + maxEvents + " is outside [1, 65536]");
        }
        LinuxAbi abi = sys.abi();
        this.posix = new Posix(sys);
        this.errno = posix.errno();
        this.name = "epoll-" + sys.name();
        this.maxEvents = maxEvents;
        this.eventSize = abi.epollEventSize;
        this.eventsOffset = abi.epollEventEventsOffset;
        this.dataOffset = abi.epollEventDataOffset;
        this.epollIn = abi.EPOLLIN;
        this.epollOut = abi.EPOLLOUT;
        this.epollRdHup = abi.EPOLLRDHUP;
        this.epollHup = abi.EPOLLHUP;
        this.epollErr = abi.EPOLLERR;
        this.interest = abi.EPOLLIN | abi.EPOLLOUT | abi.EPOLLRDHUP | abi.EPOLLET;
        this.events = ByteBuffer.allocateDirect(maxEvents * eventSize).order(ByteOrder.nativeOrder());
        this.eventsAddress = sys.address(events);

        int ep = sys.epollCreate();
        if (ep < 0) {
            throw errno.exception("epoll_create1", ep);
        }
        int wfd = sys.eventfd(0, abi.EFD_NONBLOCK | abi.EFD_CLOEXEC);
        if (wfd < 0) {
            sys.close(ep);
            throw errno.exception("eventfd", wfd);
        }
        int r = sys.epollCtl(ep, abi.EPOLL_CTL_ADD, wfd, abi.EPOLLIN | abi.EPOLLET, WAKE_TOKEN);
        if (r < 0) {
            sys.close(wfd);
            sys.close(ep);
            throw errno.exception("epoll_ctl(ADD eventfd)", r);
        }
        this.epfd = ep;
        this.wakeFd = wfd;
    }

    /** The checked calls of this poller's binding, for the sockets registered with it. */
    @Override
    public Posix posix() {
        return posix;
    }

    @Override
    public String backendName() {
        return name;
    }

    @Override
    public Registration register(int fd) throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd + " is negative: not an open descriptor");
        }
        Registration reg;
        synchronized (tableLock) {
            if (closed) {
                throw new ClosedChannelException();
            }
            int index = freeCount > 0 ? freeSlots[--freeCount] : used++;
            if (index == table.length) {
                grow();
            }
            int generation = ++generations[index];
            reg = new Registration(this, fd, ((long) generation << 32) | (index & 0xFFFF_FFFFL));
            SLOT.setRelease(table, index, reg);
            live = used - freeCount;
        }
        int r = sys.epollCtl(epfd, sys.abi().EPOLL_CTL_ADD, fd, interest, reg.token());
        if (r < 0) {
            release(reg);
            throw errno.exception("epoll_ctl(ADD fd " + fd + ")", r);
        }
        return reg;
    }

    private void grow() {
        int n = table.length * 2;
        Registration[] bigger = new Registration[n];
        System.arraycopy(table, 0, bigger, 0, table.length);
        generations = Arrays.copyOf(generations, n);
        freeSlots = Arrays.copyOf(freeSlots, n);
        table = bigger;
    }

    @Override
    public void deregister(Registration reg) {
        int r = sys.epollCtl(epfd, sys.abi().EPOLL_CTL_DEL, reg.fd(), 0, 0L);
        release(reg);
        // EBADF: the fd was closed first; ENOENT: the kernel already dropped it. Both mean "gone".
        if (r < 0 && r != -sys.abi().EBADF && r != -sys.abi().errno("ENOENT")) {
            throw new IllegalStateException("epoll_ctl(DEL fd " + reg.fd() + "): " + errno.name(-r)
                    + " (" + errno.text(-r) + ")");
        }
    }

    /** Frees the registration's slot, if it still holds it. */
    private void release(Registration reg) {
        int index = (int) reg.token();
        synchronized (tableLock) {
            Registration[] t = table;
            if (index < t.length && SLOT.getAcquire(t, index) == reg) {
                SLOT.setRelease(t, index, (Registration) null);
                freeSlots[freeCount++] = index;
                live = used - freeCount;
            }
        }
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int timeoutMillis = toMillis(timeoutNanos);
        int n;
        if (timeoutMillis != 0 && latch.beginPark()) {
            try {
                n = sys.epollWait(epfd, eventsAddress, maxEvents, timeoutMillis);
            } finally {
                latch.endPark();
            }
        } else {
            n = sys.epollWait(epfd, eventsAddress, maxEvents, 0);
        }
        if (n < 0) {
            throw errno.exception("epoll_wait", n);
        }
        return dispatchBatch(n);
    }

    /** epoll's timeout: -1 forever, 0 now, else milliseconds rounded up and capped at Integer.MAX_VALUE. */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        if (timeoutNanos == 0) {
            return 0;
        }
        long ms = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L == 0 ? 0 : 1);
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    /** Decodes the first {@code n} epoll_events in one pass; returns how many reached a registration. */
    private int dispatchBatch(int n) {
        Registration[] t = table;
        int handled = 0;
        for (int i = 0, off = 0; i < n; i++, off += eventSize) {
            long token = events.getLong(off + dataOffset);
            if (token != WAKE_TOKEN && dispatch(t, token, events.getInt(off + eventsOffset))) {
                handled++;
            }
        }
        return handled;
    }

    /** Delivers one event; false if its token is stale (slot empty or of another generation). */
    boolean dispatch(Registration[] t, long token, int epollEvents) {
        int index = (int) token;
        if (index < 0 || index >= t.length) {
            return false;
        }
        Registration reg = (Registration) SLOT.getAcquire(t, index);
        if (reg == null || reg.token() != token) {
            return false;
        }
        int bits = 0;
        if ((epollEvents & epollIn) != 0) {
            bits |= Registration.READABLE;
        }
        if ((epollEvents & epollOut) != 0) {
            bits |= Registration.WRITABLE;
        }
        if ((epollEvents & epollRdHup) != 0) {
            bits |= Registration.READ_CLOSED;
        }
        if ((epollEvents & (epollHup | epollErr)) != 0) {
            bits |= Registration.READ_CLOSED | Registration.WRITE_CLOSED;
        }
        reg.onReady(bits);
        return true;
    }

    /** Test hook: delivers an event as if epoll had reported it with this token. */
    boolean dispatchForTest(long token, int epollEvents) {
        return dispatch(table, token, epollEvents);
    }

    @Override
    public void wakeup() {
        if (!latch.notifyParker()) {
            return;
        }
        // After close the eventfd's number may belong to someone else: never write to it then.
        // The owner can wake, stop and close between notifyParker() and the write, so the write
        // and close()'s release of the eventfd exclude each other. Only the syscall path pays.
        synchronized (tableLock) {
            if (closed) {
                return;
            }
            int r = sys.eventfdWrite(wakeFd, 1L);
            if (r < 0) {
                throw new UncheckedIOException(errno.exception("eventfd write", r));
            }
        }
    }

    /** False while nothing is registered: an epoll_wait could then report only a wake-up. */
    @Override
    public boolean mayHaveEvents() {
        return registrations() > 0;
    }

    /** Registrations currently in the table (for tests and metrics). */
    public int registrations() {
        return live;
    }

    /**
     * Closes every registration still open (waking their tasks, which then see
     * {@link Registration#CLOSED}), then the eventfd and the epoll fd. The registered fds stay
     * open: their owners close them.
     */
    @Override
    public void close() {
        Registration[] t;
        int r1;
        synchronized (tableLock) {
            if (closed) {
                return;
            }
            closed = true;
            t = table;
            r1 = sys.close(wakeFd);
        }
        for (int i = 0; i < t.length; i++) {
            Registration reg = (Registration) SLOT.getAcquire(t, i);
            if (reg != null) {
                reg.close();
            }
        }
        int r2 = sys.close(epfd);
        if (r1 < 0 || r2 < 0) {
            throw new UncheckedIOException(errno.exception("close poller", r1 < 0 ? r1 : r2));
        }
    }
}
