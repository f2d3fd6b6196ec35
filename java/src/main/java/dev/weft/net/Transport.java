package dev.weft.net;

import dev.weft.io.NioPoller;
import dev.weft.io.Poller;
import dev.weft.io.Registration;
import dev.weft.sys.Posix;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;

/**
 * One socket's calls: the part of a socket that differs between backends. A
 * {@link PosixTransport} is a raw descriptor driven through the native binding (the epoll
 * backends); a {@link ChannelTransport} is a java.nio channel (the NIO backend). Everything
 * above (the readiness and tick rule, budget, use counting, heap buffers, resets) is written
 * once, in {@link IoSource}, over this interface.
 *
 * <p>Conventions, those of {@link Posix}: every call is non-blocking; data calls take direct
 * buffers and move their positions; "not ready" is {@link Posix#WOULD_BLOCK} (or {@code null}),
 * never an exception; a read at end of stream returns {@link Posix#EOF}; failures throw what
 * {@link dev.weft.sys.Errno} maps the errno to, on either backend (so a reset is a
 * {@link dev.weft.sys.SyscallException} named {@code ECONNRESET} or {@code EPIPE}, a refused
 * connect a {@link java.net.ConnectException} naming {@code ECONNREFUSED}).
 *
 * <p>Thread-safety: as the socket it wraps; {@link IoSource} makes sure no call outlives
 * {@link #close()}.
 */
interface Transport {

    /** A socket bound to {@code address} and listening, on the backend of {@code poller}. */
    static Transport listen(Poller poller, InetSocketAddress address, ListenOptions options) throws IOException {
        return poller instanceof NioPoller ? ChannelTransport.listen(address, options)
                : PosixTransport.listen(posixOf(poller), address, options);
    }

    /** A stream socket connecting to {@code address} (see {@link #finishConnect()}), with {@code TCP_NODELAY} on. */
    static Transport startConnect(Poller poller, InetSocketAddress address) throws IOException {
        return poller instanceof NioPoller ? ChannelTransport.startConnect(address)
                : PosixTransport.startConnect(posixOf(poller), address);
    }

    /** A datagram socket bound to {@code address}. */
    static Transport bindDatagram(Poller poller, InetSocketAddress address) throws IOException {
        return poller instanceof NioPoller ? ChannelTransport.bindDatagram(address)
                : PosixTransport.bindDatagram(posixOf(poller), address);
    }

    private static Posix posixOf(Poller poller) {
        try {
            return poller.posix();
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException("sockets need a backend that carries them (EPOLL_JNI, EPOLL_JNR"
                    + " or NIO); this runtime's poller is " + poller.backendName(), e);
        }
    }

    /** Registers the socket with {@code poller} (the poller of the worker that will drive it). */
    Registration register(Poller poller) throws IOException;

    /** Reads into direct {@code dst}: bytes read, {@link Posix#EOF} or {@link Posix#WOULD_BLOCK}. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes from direct {@code src}: bytes written or {@link Posix#WOULD_BLOCK}. */
    int write(ByteBuffer src) throws IOException;

    /** Scattering read into direct buffers: bytes read, {@link Posix#EOF} or {@link Posix#WOULD_BLOCK}. */
    long read(ByteBuffer[] dsts, int offset, int length) throws IOException;

    /** Gathering write from direct buffers: bytes written or {@link Posix#WOULD_BLOCK}. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Accepts one connection (non-blocking, not yet registered), or {@code null} if none is waiting. */
    Transport accept() throws IOException;

    /**
     * After write readiness on a connecting socket: {@code true} once connected, {@code false}
     * if still in progress; throws the connect's error.
     */
    boolean finishConnect() throws IOException;

    /**
     * Sends direct {@code src} as one datagram to {@code target}, or to the connected peer when
     * {@code target} is null: bytes sent or {@link Posix#WOULD_BLOCK}.
     */
    int send(ByteBuffer src, InetSocketAddress target) throws IOException;

    /** Receives one datagram into direct {@code dst}, with its true length; {@code null} if none is waiting. */
    Datagram receive(ByteBuffer dst) throws IOException;

    /**
     * Asked at end of stream when no reset was seen: whether the connection was reset rather
     * than closed by the peer, where the socket can tell without side effects ({@code false}
     * where it cannot).
     */
    boolean wasReset() throws IOException;

    void shutdownOutput() throws IOException;

    /** Fixes a datagram socket's peer (immediate). */
    void connect(InetSocketAddress peer) throws IOException;

    InetSocketAddress localAddress() throws IOException;

    InetSocketAddress peerAddress() throws IOException;

    <T> void setOption(SocketOption<T> option, T value) throws IOException;

    <T> T getOption(SocketOption<T> option) throws IOException;

    /** Closes the socket. Call after its registration is closed. */
    void close() throws IOException;

    /** A step that prepares a new socket. */
    interface Setup<T extends Transport> {
        void run(T transport) throws IOException;
    }

    /** Runs {@code setup} on the new {@code transport}; on failure closes it, so a caller never leaks it. */
    static <T extends Transport> T setUp(T transport, Setup<T> setup) throws IOException {
        try {
            setup.run(transport);
        } catch (IOException | RuntimeException e) {
            transport.closeAfterFailure(e);
            throw e;
        }
        return transport;
    }

    /** Closes a socket that failed on its way to use, keeping a close failure as suppressed by {@code cause}. */
    default void closeAfterFailure(Throwable cause) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
