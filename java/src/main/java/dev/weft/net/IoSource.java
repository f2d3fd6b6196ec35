package dev.weft.net;

import dev.weft.io.Poller;
import dev.weft.io.Registration;
import dev.weft.scheduler.Worker;
import dev.weft.sys.Posix;
import dev.weft.sys.SyscallException;
import dev.weft.task.Context;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One non-blocking socket (a {@link Transport}: a raw descriptor on epoll, a java.nio channel on
 * NIO) and its poller {@link Registration}: the single place where {@code dev.weft.net} turns
 * readiness into socket calls, for every backend.
 *
 * <p><b>Readiness.</b> Every operation follows the registration's tick rule: ask
 * {@code pollReadReady}/{@code pollWriteReady} (which also stores the task's waker), spend one
 * unit of budget, make the syscall, and clear readiness under the tick it started with when
 * the call said "would block" or transferred less than offered (the socket is drained or
 * full, so the EAGAIN-only syscall is skipped). An edge that arrives in between bumps the tick
 * and survives the clear. Reads and accepts use the reader slot, writes and connects the
 * writer slot, so one task may read while another writes.
 *
 * <p><b>Closing.</b> The descriptor number must not be reused under a syscall still in flight
 * on another thread, so every call holds a use count: {@link #close()} marks the source
 * closed, closes the registration (waking both waiters, whose next poll throws
 * {@link ClosedChannelException}), and the socket itself is closed by whoever drops the
 * last use, the closer or the last call to return.
 *
 * <p><b>Heap buffers</b> go through a per-thread direct scratch buffer (on a worker thread,
 * per worker); direct buffers go to the kernel as they are.
 *
 * <p><b>Resets.</b> A peer reset is reported once by the kernel ({@code ECONNRESET}); the other
 * direction then sees {@code EPIPE} or end of stream. The source remembers the reset so the
 * reader and the writer both get a {@link SocketException} that names it; at end of stream it
 * first lets a call in flight on the other direction return, since that may be the one the
 * kernel told.
 *
 * <p>Thread-safety: all methods are safe from any thread; at most one task reads and one task
 * writes at a time (the registration has one waker slot each).
 */
final class IoSource {
    /** A poll method's result: not ready, the task's waker is stored. */
    static final int PENDING = -2;
    /** A read's result: end of stream. */
    static final int EOF = -1;

    private static final int CLOSED = 1 << 30;
    private static final int SCRATCH_BYTES = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SCRATCH_BYTES));

    private final Transport transport;
    private final Registration reg;
    /** In-flight syscalls (low bits) and the CLOSED bit. */
    private final AtomicInteger uses = new AtomicInteger();
    private volatile boolean reset;
    private volatile boolean outputShut;

    private IoSource(Transport transport, Registration reg) {
        this.transport = transport;
        this.reg = reg;
    }

    /**
     * The current worker's poller. Sockets are created and registered on a worker thread (from
     * inside a task), so that the registration belongs to that worker's poller.
     */
    static Poller currentPoller(String what) {
        Worker w = Worker.current();
        if (w == null) {
            throw new IllegalStateException(what + " must run inside a Weft task (on a worker thread), not on "
                    + Thread.currentThread().getName());
        }
        return w.poller();
    }

    /**
     * Registers {@code transport} with {@code poller} (the current worker's). On failure the
     * socket is closed, so a caller never leaks it.
     */
    static IoSource register(Poller poller, Transport transport) throws IOException {
        try {
            return new IoSource(transport, transport.register(poller));
        } catch (IOException | RuntimeException e) {
            transport.closeAfterFailure(e);
            throw e;
        }
    }

    /** Closes this source after a failure on its way to use, keeping a close failure as suppressed. */
    void closeAfterFailure(Throwable cause) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    boolean isOpen() {
        return (uses.get() & CLOSED) == 0;
    }

    // --- use counting ---

    private void acquire() throws ClosedChannelException {
        int u = uses.get();
        while (true) {
            if ((u & CLOSED) != 0) {
                throw new ClosedChannelException();
            }
            int witness = uses.compareAndExchange(u, u + 1);
            if (witness == u) {
                return;
            }
            u = witness;
        }
    }

    private void release() throws IOException {
        if (uses.decrementAndGet() == CLOSED) {
            transport.close();
        }
    }

    /**
     * Closes the source: later operations throw {@link ClosedChannelException}, a task waiting on
     * it is woken (and then gets that exception), and the fd is closed once no syscall uses it.
     * Idempotent.
     */
    void close() throws IOException {
        int u = uses.getAndUpdate(v -> v | CLOSED);
        if ((u & CLOSED) != 0) {
            return;
        }
        try {
            reg.close();
        } finally {
            if (u == 0) {
                transport.close();
            }
        }
    }

    // --- readiness ---

    /** The read-side tick, or {@link #PENDING}; throws once closed. */
    private long readReady(Context cx) throws ClosedChannelException {
        long tick = reg.pollReadReady(cx);
        if (tick == Registration.CLOSED) {
            throw new ClosedChannelException();
        }
        if (tick == Registration.NOT_READY || !cx.consumeBudget()) {
            return PENDING;
        }
        return tick;
    }

    private long writeReady(Context cx) throws ClosedChannelException {
        long tick = reg.pollWriteReady(cx);
        if (tick == Registration.CLOSED) {
            throw new ClosedChannelException();
        }
        if (tick == Registration.NOT_READY || !cx.consumeBudget()) {
            return PENDING;
        }
        return tick;
    }

    /**
     * The tick rule after a stream read of up to {@code room} bytes: a would-block clears read
     * readiness (unless a newer edge arrived) and returns {@code true}, so the caller waits
     * again; a short read means the socket is drained for now, so readiness is cleared too and
     * the caller keeps its bytes.
     */
    private boolean wouldBlockAfterRead(long tick, long n, long room) {
        if (n == Posix.WOULD_BLOCK || (n > 0 && n < room)) {
            reg.clearReadReady(tick);
        }
        return n == Posix.WOULD_BLOCK;
    }

    /** The same rule for a write of {@code offered} bytes: would-block or short means full for now. */
    private boolean wouldBlockAfterWrite(long tick, long n, long offered) {
        if (n < offered) { // WOULD_BLOCK is negative, so it is short too
            reg.clearWriteReady(tick);
        }
        return n == Posix.WOULD_BLOCK;
    }

    // --- stream data ---

    /** Reads into {@code dst}: bytes read (&gt; 0), {@link #EOF}, {@link #PENDING}, or 0 if no room. */
    int read(Context cx, ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        while (true) {
            long tick = readReady(cx);
            if (tick == PENDING) {
                return PENDING;
            }
            int room;
            int n;
            acquire();
            try {
                if (dst.isDirect()) {
                    room = dst.remaining();
                    n = transport.read(dst);
                } else {
                    ByteBuffer s = scratch(dst.remaining());
                    room = s.remaining();
                    n = transport.read(s);
                    if (n > 0) {
                        dst.put(s.flip());
                    }
                }
            } catch (SocketException e) {
                throw noteReset(e);
            } finally {
                release();
            }
            if (wouldBlockAfterRead(tick, n, room)) {
                continue;
            }
            return n == Posix.EOF ? endOfStream() : n;
        }
    }

    /** Writes from {@code src}: bytes written (&gt; 0), {@link #PENDING}, or 0 if it has nothing. */
    int write(Context cx, ByteBuffer src) throws IOException {
        if (!src.hasRemaining()) {
            return 0;
        }
        while (true) {
            long tick = writeReady(cx);
            if (tick == PENDING) {
                return PENDING;
            }
            int offered;
            int n;
            acquire();
            try {
                if (src.isDirect()) {
                    offered = src.remaining();
                    n = transport.write(src);
                } else {
                    ByteBuffer s = scratch(src.remaining());
                    int start = src.position();
                    s.put(src.duplicate().limit(start + s.remaining())).flip();
                    offered = s.remaining();
                    n = transport.write(s);
                    if (n > 0) {
                        src.position(start + n);
                    }
                }
            } catch (SocketException e) {
                throw noteReset(e);
            } finally {
                release();
            }
            if (wouldBlockAfterWrite(tick, n, offered)) {
                continue;
            }
            return n;
        }
    }

    /** Scattering read: bytes read, {@link #EOF}, {@link #PENDING}, or 0 if no buffer has room. */
    long read(Context cx, ByteBuffer[] dsts, int offset, int length) throws IOException {
        long room = Buffers.remaining(dsts, offset, length, true);
        if (room == 0) {
            return 0;
        }
        if (!Buffers.allDirect(dsts, offset, length)) {
            return readIntoHeap(cx, dsts, offset, length, room);
        }
        while (true) {
            long tick = readReady(cx);
            if (tick == PENDING) {
                return PENDING;
            }
            long offered = Buffers.iovecBytes(dsts, offset, length);
            long n;
            acquire();
            try {
                n = transport.read(dsts, offset, length);
            } catch (SocketException e) {
                throw noteReset(e);
            } finally {
                release();
            }
            if (wouldBlockAfterRead(tick, n, offered)) {
                continue;
            }
            return n == Posix.EOF ? endOfStream() : n;
        }
    }

    /** Gathering write: bytes written, {@link #PENDING}, or 0 if the buffers hold nothing. */
    long write(Context cx, ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = Buffers.remaining(srcs, offset, length, false);
        if (total == 0) {
            return 0;
        }
        if (!Buffers.allDirect(srcs, offset, length)) {
            return writeFromHeap(cx, srcs, offset, length);
        }
        while (true) {
            long tick = writeReady(cx);
            if (tick == PENDING) {
                return PENDING;
            }
            long offered = Buffers.iovecBytes(srcs, offset, length);
            long n;
            acquire();
            try {
                n = transport.write(srcs, offset, length);
            } catch (SocketException e) {
                throw noteReset(e);
            } finally {
                release();
            }
            if (wouldBlockAfterWrite(tick, n, offered)) {
                continue;
            }
            return n;
        }
    }

    /** A vectored read with a heap buffer among the targets: one read into scratch, then spread. */
    private long readIntoHeap(Context cx, ByteBuffer[] dsts, int offset, int length, long room) throws IOException {
        ByteBuffer s = scratch((int) Math.min(room, SCRATCH_BYTES));
        ByteBuffer direct = s.duplicate();
        int n = read(cx, direct);
        if (n > 0) {
            s.limit(n);
            Buffers.spread(s, dsts, offset, length);
        }
        return n;
    }

    /** A vectored write with a heap buffer among the sources: gather into scratch, one write. */
    private long writeFromHeap(Context cx, ByteBuffer[] srcs, int offset, int length) throws IOException {
        ByteBuffer s = scratch(SCRATCH_BYTES);
        Buffers.gather(srcs, offset, length, s);
        s.flip();
        ByteBuffer gathered = s.duplicate();
        int n = write(cx, gathered);
        if (n > 0) {
            Buffers.advance(srcs, offset, length, n);
        }
        return n;
    }

    // --- listening, connecting, datagrams ---

    /** Accepts one connection (not yet registered), or {@code null} while none is waiting. */
    Transport accept(Context cx) throws IOException {
        while (true) {
            long tick = readReady(cx);
            if (tick == PENDING) {
                return null;
            }
            Transport accepted = use(Transport::accept);
            if (accepted == null) {
                reg.clearReadReady(tick);
                continue;
            }
            return accepted;
        }
    }

    /**
     * Waits until a connect in progress is done: {@code true} when connected, {@code false}
     * while pending; throws the connect's error (for example {@link java.net.ConnectException}).
     */
    boolean finishConnect(Context cx) throws IOException {
        while (true) {
            long tick = reg.pollWriteReady(cx);
            if (tick == Registration.CLOSED) {
                throw new ClosedChannelException();
            }
            if (tick == Registration.NOT_READY) {
                return false;
            }
            if (use(Transport::finishConnect)) {
                return true;
            }
            reg.clearWriteReady(tick); // a stale report: still connecting
        }
    }

    /** Sends one datagram to {@code target} (or the connected peer if null): bytes sent or {@link #PENDING}. */
    int send(Context cx, ByteBuffer src, InetSocketAddress target) throws IOException {
        while (true) {
            long tick = writeReady(cx);
            if (tick == PENDING) {
                return PENDING;
            }
            int n;
            acquire();
            try {
                ByteBuffer s = src;
                int start = src.position();
                if (!src.isDirect()) {
                    if (src.remaining() > SCRATCH_BYTES) {
                        throw new IllegalArgumentException("a heap-buffer datagram of " + src.remaining()
                                + " bytes exceeds the " + SCRATCH_BYTES + "-byte scratch buffer; use a direct buffer");
                    }
                    s = scratch(src.remaining());
                    s.put(src.duplicate()).flip();
                }
                n = transport.send(s, target);
                if (n > 0 && s != src) {
                    src.position(start + n);
                }
            } finally {
                release();
            }
            if (n == Posix.WOULD_BLOCK) {
                reg.clearWriteReady(tick);
                continue;
            }
            return n;
        }
    }

    /** Receives one datagram into {@code dst}: what it got, or {@code null} while none is waiting. */
    Datagram receive(Context cx, ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("receive into a read-only buffer");
        }
        while (true) {
            long tick = readReady(cx);
            if (tick == PENDING) {
                return null;
            }
            Datagram got;
            acquire();
            try {
                if (dst.isDirect()) {
                    got = transport.receive(dst);
                } else {
                    ByteBuffer s = scratch(dst.remaining());
                    got = transport.receive(s);
                    if (got != null) {
                        dst.put(s.flip());
                    }
                }
            } finally {
                release();
            }
            if (got == null) {
                reg.clearReadReady(tick);
                continue;
            }
            return got;
        }
    }

    // --- control ---

    void shutdownOutput() throws IOException {
        outputShut = true;
        use(t -> {
            t.shutdownOutput();
            return null;
        });
    }

    InetSocketAddress localAddress() throws IOException {
        return use(Transport::localAddress);
    }

    InetSocketAddress peerAddress() throws IOException {
        return use(Transport::peerAddress);
    }

    <T> void setOption(SocketOption<T> option, T value) throws IOException {
        use(t -> {
            t.setOption(option, value);
            return null;
        });
    }

    <T> T getOption(SocketOption<T> option) throws IOException {
        return use(t -> t.getOption(option));
    }

    /** Connects a datagram socket (immediate: it only fixes the peer). */
    void connectDatagram(InetSocketAddress peer) throws IOException {
        use(t -> {
            t.connect(peer);
            return null;
        });
    }

    /** A call on the transport. */
    private interface Call<R> {
        R on(Transport t) throws IOException;
    }

    /** Makes {@code call} holding a use, so the socket cannot be closed under it. */
    private <R> R use(Call<R> call) throws IOException {
        acquire();
        try {
            return call.on(transport);
        } finally {
            release();
        }
    }

    // --- helpers ---

    /** This thread's scratch buffer, cleared and limited to at most {@code want} bytes. */
    private static ByteBuffer scratch(int want) {
        ByteBuffer s = SCRATCH.get();
        s.clear();
        if (want < s.capacity()) {
            s.limit(want);
        }
        return s;
    }

    /**
     * Remembers a reset, and renames the EPIPE that follows one: on a stream whose output this
     * side did not shut down, EPIPE means the peer aborted the connection, and the reader may
     * have been the one the kernel told "reset" first.
     */
    private IOException noteReset(SocketException e) {
        if (e instanceof SyscallException se) {
            String name = se.errnoName();
            if (name.equals("ECONNRESET")) {
                reset = true;
            } else if (name.equals("EPIPE") && !outputShut) {
                reset = true;
                SocketException named = new SocketException("connection reset by peer (" + e.getMessage() + ")");
                named.initCause(e);
                return named;
            }
        }
        return e;
    }

    /**
     * End of stream, unless the connection was reset: the kernel reports a reset once, to
     * whichever call comes first, and plain end of stream after that, which must not read as a
     * clean close. So a call still in flight on the other direction is let return first (it may
     * be the one that got the reset, and notes it before it ends); then, if the writer has not
     * seen the reset, the transport is asked where it can tell (see {@link Transport#wasReset()}).
     * Only when this side has not shut its output down, which also makes sends fail.
     */
    private int endOfStream() throws IOException {
        if (!reset && !outputShut) {
            awaitCallsInFlight();
            if (!reset) {
                reset = use(Transport::wasReset);
            }
        }
        if (reset) {
            throw new SocketException("connection reset by peer (end of stream after the reset was reported)");
        }
        return EOF;
    }

    /**
     * Waits for calls in flight on other threads to return. They are non-blocking calls, done
     * within microseconds unless their thread was preempted (hence the yields); the wait is
     * bounded all the same, and only the end-of-stream path pays it.
     */
    private void awaitCallsInFlight() {
        for (int spins = 0; (uses.get() & ~CLOSED) != 0 && spins < 10_000; spins++) {
            if ((spins & 63) == 63) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public String toString() {
        return transport.toString();
    }
}
