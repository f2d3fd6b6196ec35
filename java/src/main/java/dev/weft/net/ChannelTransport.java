package dev.weft.net;

import dev.weft.io.Poller;
import dev.weft.io.Registration;
import dev.weft.sys.Errno;
import dev.weft.sys.Posix;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A socket as a non-blocking java.nio channel ({@link SocketChannel},
 * {@link ServerSocketChannel} or {@link DatagramChannel}): the NIO backend's {@link Transport},
 * for platforms without a native binding. Each call is one channel call, translated to the
 * {@link Transport} conventions:
 *
 * <ul>
 *   <li>A channel says "not ready" with 0 (or {@code null}); that becomes
 *       {@link Posix#WOULD_BLOCK} (a call here always offers room or data, so 0 is never a real
 *       transfer, except an empty datagram, which is told apart by what was offered).</li>
 *   <li>The JDK reports a failure by the OS's text; {@link Errno#fromJdk} turns it back into the
 *       exception the epoll backends throw for that errno, with the same message form.</li>
 *   <li>A received datagram's true length, which a channel does not report, is learned by
 *       receiving into a buffer that fits any datagram when the caller's is smaller: a longer
 *       datagram is then reported truncated, as with {@code recvmsg(MSG_TRUNC)}.</li>
 *   <li>There is no side-effect-free probe for a reset after end of stream (a zero-byte
 *       channel write makes no call): {@link #wasReset()} answers {@code false}, and a reset
 *       is known from the call the kernel reported it to.</li>
 * </ul>
 *
 * <p>Thread-safety: as the channel's; the datagram buffer is per thread.
 */
final class ChannelTransport implements Transport {
    /** Room for any UDP datagram (IPv4 payloads reach 65,507 bytes, IPv6 65,527 without jumbograms). */
    private static final int MAX_DATAGRAM = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> WHOLE_DATAGRAM =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_DATAGRAM));

    static {
        // Accept's EMFILE is mapped through Errno; loading Errno only then, where classes load
        // from files, would need the very descriptor that is missing.
        Errno.load();
    }

    private final SelectableChannel channel;
    private final NetworkChannel network;

    private <C extends SelectableChannel & NetworkChannel> ChannelTransport(C channel) {
        this.channel = channel;
        this.network = channel;
    }

    static ChannelTransport listen(InetSocketAddress address, ListenOptions options) throws IOException {
        return setUp(() -> ServerSocketChannel.open(Posix.familyOf(address)), "bind " + address, ch -> {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.reusePort()) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(address, options.backlog());
        });
    }

    static ChannelTransport startConnect(InetSocketAddress address) throws IOException {
        return setUp(() -> SocketChannel.open(Posix.familyOf(address)), "connect to " + address, ch -> {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
        });
    }

    static ChannelTransport bindDatagram(InetSocketAddress address) throws IOException {
        return setUp(() -> DatagramChannel.open(Posix.familyOf(address)), "bind " + address, ch -> ch.bind(address));
    }

    /** Opens a channel. */
    private interface Opening<C> {
        C open() throws IOException;
    }

    /** A step that prepares a new channel. */
    private interface ChannelSetup<C> {
        void run(C channel) throws IOException;
    }

    /** Opens a channel and prepares it (see {@link #prepared}). */
    private static <C extends SelectableChannel & NetworkChannel> ChannelTransport setUp(
            Opening<C> opening, String op, ChannelSetup<C> setup) throws IOException {
        C ch;
        try {
            ch = opening.open();
        } catch (IOException e) {
            throw Errno.fromJdk("socket", e);
        }
        return prepared(ch, op, setup);
    }

    /**
     * Makes a new channel non-blocking and runs {@code setup} (its failures named {@code op});
     * on failure closes it, so a caller never leaks it.
     */
    private static <C extends SelectableChannel & NetworkChannel> ChannelTransport prepared(
            C ch, String op, ChannelSetup<C> setup) throws IOException {
        return Transport.setUp(new ChannelTransport(ch), t -> {
            try {
                ch.configureBlocking(false);
                setup.run(ch);
            } catch (IOException e) {
                throw Errno.fromJdk(op, e);
            }
        });
    }

    private SocketChannel stream() {
        return (SocketChannel) channel;
    }

    private DatagramChannel datagram() {
        return (DatagramChannel) channel;
    }

    @Override
    public Registration register(Poller poller) throws IOException {
        return poller.register(channel);
    }

    /** A stream read's count, where room was offered (IoSource checks): -1 end of stream, 0 not ready. */
    private static long readCount(long n) {
        return n < 0 ? Posix.EOF : n == 0 ? Posix.WOULD_BLOCK : n;
    }

    /** A stream write's count, where data was offered (IoSource checks): 0 not ready. */
    private static long writeCount(long n) {
        return n == 0 ? Posix.WOULD_BLOCK : n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return (int) readCount(stream().read(dst));
        } catch (IOException e) {
            throw Errno.fromJdk("read", e);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        try {
            return (int) writeCount(stream().write(src));
        } catch (IOException e) {
            throw Errno.fromJdk("send", e);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        try {
            return readCount(stream().read(dsts, offset, length));
        } catch (IOException e) {
            throw Errno.fromJdk("readv", e);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        try {
            return writeCount(stream().write(srcs, offset, length));
        } catch (IOException e) {
            throw Errno.fromJdk("sendmsg", e);
        }
    }

    @Override
    public Transport accept() throws IOException {
        SocketChannel accepted;
        try {
            accepted = ((ServerSocketChannel) channel).accept();
        } catch (IOException e) {
            throw Errno.fromJdk("accept", e);
        }
        return accepted == null ? null : prepared(accepted, "accept", ch -> { });
    }

    @Override
    public boolean finishConnect() throws IOException {
        try {
            return stream().finishConnect();
        } catch (IOException e) {
            throw Errno.fromJdk("connect", e);
        }
    }

    @Override
    public int send(ByteBuffer src, InetSocketAddress target) throws IOException {
        int offered = src.remaining();
        try {
            int n = target == null ? datagram().write(src) : datagram().send(src, target);
            return n == 0 && offered > 0 ? Posix.WOULD_BLOCK : n;
        } catch (IOException e) {
            throw Errno.fromJdk(target == null ? "send" : "sendmsg to " + target, e);
        }
    }

    @Override
    public Datagram receive(ByteBuffer dst) throws IOException {
        int room = dst.remaining();
        ByteBuffer into = room >= MAX_DATAGRAM ? dst : WHOLE_DATAGRAM.get().clear();
        int start = into.position();
        SocketAddress sender;
        try {
            sender = datagram().receive(into);
        } catch (IOException e) {
            throw Errno.fromJdk("recvmsg", e);
        }
        if (sender == null) {
            return null;
        }
        int length = into.position() - start;
        if (into != dst) {
            dst.put(into.flip().limit(Math.min(length, room)));
        }
        return new Datagram((InetSocketAddress) sender, length, length > room);
    }

    @Override
    public boolean wasReset() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            stream().shutdownOutput();
        } catch (IOException e) {
            throw Errno.fromJdk("shutdown", e);
        }
    }

    @Override
    public void connect(InetSocketAddress peer) throws IOException {
        try {
            datagram().connect(peer);
        } catch (IOException e) {
            throw Errno.fromJdk("connect to " + peer, e);
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        try {
            return (InetSocketAddress) network.getLocalAddress();
        } catch (IOException e) {
            throw Errno.fromJdk("getsockname", e);
        }
    }

    @Override
    public InetSocketAddress peerAddress() throws IOException {
        SocketAddress peer;
        try {
            peer = channel instanceof DatagramChannel d ? d.getRemoteAddress() : stream().getRemoteAddress();
        } catch (IOException e) {
            throw Errno.fromJdk("getpeername", e);
        }
        if (peer == null) {
            throw Errno.fromJdk("getpeername", new SocketException("Transport endpoint is not connected"));
        }
        return (InetSocketAddress) peer;
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        try {
            network.setOption(option, value);
        } catch (IOException e) {
            throw Errno.fromJdk("setsockopt(" + option.name() + ")", e);
        }
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        try {
            return network.getOption(option);
        } catch (IOException e) {
            throw Errno.fromJdk("getsockopt(" + option.name() + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "channel=" + channel;
    }
}
