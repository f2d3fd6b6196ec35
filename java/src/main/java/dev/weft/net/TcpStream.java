package dev.weft.net;

import dev.weft.io.Poller;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.time.Timeout;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.Objects;

/**
 * A TCP connection on a worker's poller.
 *
 * <p>Two ways to use it. Ordinary code composes the {@link Async}-returning methods
 * ({@link #read(ByteBuffer)}, {@link #writeAll(ByteBuffer)}, ...). Hand-written state machines
 * on the hot path call {@link #pollRead(Context, ByteBuffer)} and
 * {@link #pollWrite(Context, ByteBuffer)}, which return an {@code int} and allocate nothing:
 * bytes moved, {@link #EOF}, or {@link #PENDING} (the task's waker is stored and it is woken
 * when the socket is ready).
 *
 * <p>Every operation that reaches the socket spends one unit of the task's cooperative budget;
 * with the budget spent it returns pending and the task runs again after the worker's next
 * poller turn. {@code TCP_NODELAY} is on by default. Direct buffers go to the kernel as they
 * are; heap buffers are copied through a per-worker direct buffer.
 *
 * <p>Errors: a reset peer gives a {@link java.net.SocketException} naming the reset to both
 * the reader and the writer; an operation on a closed stream, and one that was waiting when
 * the stream was closed, throws {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Thread-safety: one task may read while another writes (see {@link #split()}); two
 * concurrent readers, or two concurrent writers, are not supported.
 */
public final class TcpStream implements AutoCloseable {
    /** {@link #pollRead} result: the peer closed its side. */
    public static final int EOF = IoSource.EOF;
    /** {@link #pollRead}/{@link #pollWrite} result: not ready; the task will be woken. */
    public static final int PENDING = IoSource.PENDING;

    final IoSource source;

    TcpStream(IoSource source) {
        this.source = source;
    }

    /** Wraps an accepted socket: sets {@code TCP_NODELAY} and registers it with {@code poller}, the current worker's. */
    static TcpStream open(Poller poller, Transport accepted) throws IOException {
        return new TcpStream(IoSource.register(poller,
                Transport.setUp(accepted, t -> t.setOption(StandardSocketOptions.TCP_NODELAY, true))));
    }

    /**
     * Connects to {@code address} (an IP address and port; resolve host names first). Completes
     * with the connected stream, or fails with {@link java.net.ConnectException} when refused.
     * Must be polled by a Weft task.
     */
    public static Async<TcpStream> connect(SocketAddress address) {
        return new Connect(checkAddress(address));
    }

    /**
     * Connects within {@code timeout}: as {@link #connect(SocketAddress)}, failing with a
     * {@link java.net.SocketTimeoutException} (and closing the half-open socket) when the
     * connection is not established in time.
     */
    public static Async<TcpStream> connect(SocketAddress address, Duration timeout) {
        InetSocketAddress inet = checkAddress(address);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
        }
        Timeout<TcpStream> limited = Timeout.of(timeout, new Connect(inet));
        return new Async<>() {
            @Override
            public Poll<TcpStream> poll(Context cx) throws Exception {
                try {
                    return limited.poll(cx);
                } catch (TimeoutException e) {
                    SocketTimeoutException t = new SocketTimeoutException("connect to " + inet + " timed out after " + timeout);
                    t.initCause(e);
                    throw t;
                }
            }

            @Override
            public void cancel() {
                limited.cancel();
            }
        };
    }

    static InetSocketAddress checkAddress(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (!(address instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException("unsupported address type " + address.getClass().getName()
                    + " (an InetSocketAddress is needed)");
        }
        if (inet.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + inet + ": resolve the host name first");
        }
        return inet;
    }

    // --- allocation-free polls ---

    /** Reads into {@code dst}: bytes read, {@link #EOF}, {@link #PENDING}, or 0 if it has no room. */
    public int pollRead(Context cx, ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        return source.read(cx, dst);
    }

    /** Writes from {@code src}: bytes written, {@link #PENDING}, or 0 if it holds nothing. */
    public int pollWrite(Context cx, ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        return source.write(cx, src);
    }

    /** Scattering read into {@code dsts[offset, offset + length)}: bytes read, {@link #EOF} or {@link #PENDING}. */
    public long pollRead(Context cx, ByteBuffer[] dsts, int offset, int length) throws IOException {
        return source.read(cx, dsts, offset, length);
    }

    /** Gathering write from {@code srcs[offset, offset + length)}: bytes written or {@link #PENDING}. */
    public long pollWrite(Context cx, ByteBuffer[] srcs, int offset, int length) throws IOException {
        return source.write(cx, srcs, offset, length);
    }

    // --- Async operations ---

    /** Reads once into {@code dst}: completes with the bytes read, or -1 at end of stream. */
    public Async<Integer> read(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            int n = source.read(cx, dst);
            return n == PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /** Writes once from {@code src}: completes with the bytes written (at least one unless {@code src} is empty). */
    public Async<Integer> write(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            int n = source.write(cx, src);
            return n == PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /** Writes all of {@code src}'s remaining bytes, waiting for room as needed. */
    public Async<Void> writeAll(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            while (src.hasRemaining()) {
                if (source.write(cx, src) == PENDING) {
                    return Poll.pending();
                }
            }
            return Poll.ready(null);
        };
    }

    /** Scattering read into all of {@code dsts}: completes with the bytes read, or -1 at end of stream. */
    public Async<Long> read(ByteBuffer[] dsts) {
        Buffers.remaining(dsts, 0, dsts.length, true);
        return cx -> {
            long n = source.read(cx, dsts, 0, dsts.length);
            return n == PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /** Gathering write from all of {@code srcs}: completes with the bytes written. */
    public Async<Long> write(ByteBuffer[] srcs) {
        Buffers.remaining(srcs, 0, srcs.length, false);
        return cx -> {
            long n = source.write(cx, srcs, 0, srcs.length);
            return n == PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    // --- the rest ---

    /** Half-closes: the peer reads end of stream; this side can still read. */
    public void shutdownOutput() throws IOException {
        source.shutdownOutput();
    }

    /**
     * Closes the stream. A task waiting to read or write on it is woken and gets a
     * {@link java.nio.channels.ClosedChannelException}. Idempotent.
     */
    @Override
    public void close() throws IOException {
        source.close();
    }

    public boolean isOpen() {
        return source.isOpen();
    }

    /**
     * Splits the stream into a read half and a write half that two tasks may use at once. The
     * stream closes when both halves are closed; the write half's close also shuts down output.
     */
    public Split split() {
        Split.Owner owner = new Split.Owner(this);
        return new Split(new TcpReadHalf(this, owner), new TcpWriteHalf(this, owner));
    }

    /** The two halves of a {@link #split()} stream. */
    public record Split(TcpReadHalf reader, TcpWriteHalf writer) {
        /** Closes the stream once both halves have been closed. */
        static final class Owner {
            private final TcpStream stream;
            private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);

            Owner(TcpStream stream) {
                this.stream = stream;
            }

            void releaseHalf() throws IOException {
                if (open.decrementAndGet() == 0) {
                    stream.close();
                }
            }
        }
    }

    public InetSocketAddress localAddress() throws IOException {
        return source.localAddress();
    }

    public InetSocketAddress peerAddress() throws IOException {
        return source.peerAddress();
    }

    /**
     * Sets a socket option: {@code TCP_NODELAY}, {@code SO_KEEPALIVE} (Boolean),
     * {@code SO_RCVBUF}, {@code SO_SNDBUF} (Integer bytes), {@code SO_LINGER} (Integer seconds,
     * negative for off) from {@link StandardSocketOptions}.
     */
    public <T> TcpStream setOption(SocketOption<T> option, T value) throws IOException {
        source.setOption(option, value);
        return this;
    }

    public <T> T getOption(SocketOption<T> option) throws IOException {
        return source.getOption(option);
    }

    @Override
    public String toString() {
        return "TcpStream[" + source + (source.isOpen() ? "" : ", closed") + "]";
    }

    /** The connect state machine: open and start on the first poll, then wait for writability. */
    private static final class Connect implements Async<TcpStream> {
        private final InetSocketAddress address;
        private IoSource source;
        private boolean done;

        Connect(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public Poll<TcpStream> poll(Context cx) throws IOException {
            if (source == null) {
                Poller poller = IoSource.currentPoller("TcpStream.connect");
                source = IoSource.register(poller, Transport.startConnect(poller, address));
            }
            boolean connected;
            try {
                connected = source.finishConnect(cx);
            } catch (IOException | RuntimeException e) {
                source.closeAfterFailure(e);
                throw e;
            }
            if (!connected) {
                return Poll.pending();
            }
            done = true;
            return Poll.ready(new TcpStream(source));
        }

        /** Abandoned before it connected: the half-open socket is closed, not leaked. */
        @Override
        public void cancel() {
            if (source != null && !done) {
                try {
                    source.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("closing an abandoned connect to " + address, e);
                }
            }
        }
    }
}
