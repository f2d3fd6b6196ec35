package dev.weft.net;

import dev.weft.io.Poller;
import dev.weft.io.Registration;
import dev.weft.sys.Posix;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;

/**
 * A socket as a raw non-blocking descriptor, driven through the checked native binding
 * ({@link Posix}): the epoll backends' {@link Transport}. Each call is one {@link Posix} call.
 *
 * <p>Thread-safety: as {@link Posix}; immutable.
 */
final class PosixTransport implements Transport {
    private final Posix posix;
    private final int fd;

    PosixTransport(Posix posix, int fd) {
        this.posix = posix;
        this.fd = fd;
    }

    static PosixTransport listen(Posix posix, InetSocketAddress address, ListenOptions options) throws IOException {
        return Transport.setUp(new PosixTransport(posix, posix.openStream(Posix.familyOf(address))), t -> {
            posix.setOption(t.fd, StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.reusePort()) {
                posix.setOption(t.fd, StandardSocketOptions.SO_REUSEPORT, true);
            }
            posix.bind(t.fd, address);
            posix.listen(t.fd, options.backlog());
        });
    }

    static PosixTransport startConnect(Posix posix, InetSocketAddress address) throws IOException {
        return Transport.setUp(new PosixTransport(posix, posix.openStream(Posix.familyOf(address))), t -> {
            posix.setOption(t.fd, StandardSocketOptions.TCP_NODELAY, true);
            posix.connect(t.fd, address);
        });
    }

    static PosixTransport bindDatagram(Posix posix, InetSocketAddress address) throws IOException {
        return Transport.setUp(new PosixTransport(posix, posix.openDatagram(Posix.familyOf(address))),
                t -> posix.bind(t.fd, address));
    }

    @Override
    public Registration register(Poller poller) throws IOException {
        return poller.register(fd);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return posix.read(fd, dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return posix.write(fd, src);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return posix.read(fd, dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return posix.write(fd, srcs, offset, length);
    }

    @Override
    public Transport accept() throws IOException {
        int accepted = posix.accept(fd);
        return accepted == Posix.WOULD_BLOCK ? null : new PosixTransport(posix, accepted);
    }

    /** Writability means the connect is settled: SO_ERROR says how. */
    @Override
    public boolean finishConnect() throws IOException {
        posix.finishConnect(fd);
        return true;
    }

    @Override
    public int send(ByteBuffer src, InetSocketAddress target) throws IOException {
        return target == null ? posix.write(fd, src) : posix.sendTo(fd, src, target);
    }

    @Override
    public Datagram receive(ByteBuffer dst) throws IOException {
        return Datagrams.receive(posix, fd, dst);
    }

    /**
     * A zero-byte send tells: it fails with EPIPE on a reset connection and succeeds after a
     * clean close by the peer.
     */
    @Override
    public boolean wasReset() {
        int probe = posix.syscalls().send(fd, 0L, 0, 0);
        return probe < 0 && probe != -posix.syscalls().abi().EAGAIN;
    }

    @Override
    public void shutdownOutput() throws IOException {
        posix.shutdown(fd, false, true);
    }

    @Override
    public void connect(InetSocketAddress peer) throws IOException {
        posix.connect(fd, peer);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return posix.localAddress(fd);
    }

    @Override
    public InetSocketAddress peerAddress() throws IOException {
        return posix.peerAddress(fd);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        posix.setOption(fd, option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return posix.getOption(fd, option);
    }

    @Override
    public void close() throws IOException {
        posix.close(fd);
    }

    @Override
    public String toString() {
        return "fd=" + fd;
    }
}
