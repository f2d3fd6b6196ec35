package dev.weft.net;

import dev.weft.io.Poller;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A UDP socket on a worker's poller: {@link #sendTo}/{@link #recvFrom} with any peer, or
 * {@link #connect} to one and {@link #send}/{@link #recv}. A receive reports truncation (see
 * {@link Datagram}); each send is one datagram, sent whole or not at all.
 *
 * <p>Every operation spends one unit of the task's cooperative budget. Closing the socket wakes a
 * task waiting on it with {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Thread-safety: one task may receive while another sends.
 */
public final class UdpSocket implements AutoCloseable {
    private final IoSource source;
    private volatile InetSocketAddress peer;

    private UdpSocket(IoSource source) {
        this.source = source;
    }

    /** Binds a socket to {@code local} (port 0 picks one). Must be polled by a Weft task. */
    public static Async<UdpSocket> bind(SocketAddress local) {
        InetSocketAddress inet = TcpStream.checkAddress(local);
        return cx -> {
            Poller poller = IoSource.currentPoller("UdpSocket.bind");
            return Poll.ready(new UdpSocket(IoSource.register(poller, Transport.bindDatagram(poller, inet))));
        };
    }

    /** Fixes the peer: {@link #send} goes there and only its datagrams are received. Immediate. */
    public void connect(SocketAddress peer) throws IOException {
        InetSocketAddress inet = TcpStream.checkAddress(peer);
        source.connectDatagram(inet);
        this.peer = inet;
    }

    /**
     * Sends {@code src}'s remaining bytes as one datagram to {@code target}; completes with the
     * bytes sent. On a {@link #connect connected} socket the target must be the peer: another
     * one fails with a {@link SocketException} naming {@code EISCONN}, on every backend (as BSD
     * and macOS do, and java.nio; Linux alone would send it).
     */
    public Async<Integer> sendTo(ByteBuffer src, SocketAddress target) {
        Objects.requireNonNull(src, "src");
        InetSocketAddress inet = TcpStream.checkAddress(target);
        return cx -> {
            InetSocketAddress connected = peer;
            if (connected != null && !connected.equals(inet)) {
                throw new SocketException("EISCONN: sendTo " + inet + " on a datagram socket connected to "
                        + connected + "; use send(), or an unconnected socket");
            }
            int n = source.send(cx, src, inet);
            return n == IoSource.PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /** Sends one datagram to the connected peer. */
    public Async<Integer> send(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            if (peer == null) {
                throw new IllegalStateException("send() needs connect() first; use sendTo() otherwise");
            }
            int n = source.send(cx, src, null);
            return n == IoSource.PENDING ? Poll.pending() : Poll.ready(n);
        };
    }

    /** Receives one datagram into {@code dst} from anyone. */
    public Async<Datagram> recvFrom(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            Datagram d = pollRecv(cx, dst);
            return d == null ? Poll.pending() : Poll.ready(d);
        };
    }

    /** Receives one datagram from the connected peer. */
    public Async<Datagram> recv(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            if (peer == null) {
                throw new IllegalStateException("recv() needs connect() first; use recvFrom() otherwise");
            }
            Datagram d = pollRecv(cx, dst);
            return d == null ? Poll.pending() : Poll.ready(d);
        };
    }

    /** Receives one datagram if one is waiting; {@code null} when pending. */
    public Datagram pollRecv(Context cx, ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        return source.receive(cx, dst);
    }

    public InetSocketAddress localAddress() throws IOException {
        return source.localAddress();
    }

    /** The connected peer, or {@code null}. */
    public InetSocketAddress peerAddress() {
        return peer;
    }

    public <T> UdpSocket setOption(SocketOption<T> option, T value) throws IOException {
        source.setOption(option, value);
        return this;
    }

    public <T> T getOption(SocketOption<T> option) throws IOException {
        return source.getOption(option);
    }

    public boolean isOpen() {
        return source.isOpen();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    @Override
    public String toString() {
        return "UdpSocket[" + source + (source.isOpen() ? "" : ", closed") + "]";
    }
}
