package dev.weft.bench.sys;

import dev.weft.io.EpollPoller;
import dev.weft.sys.NativeBuffer;
import dev.weft.sys.Posix;
import dev.weft.sys.Syscalls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Syscall-bound operations through JNI, jnr-ffi and the JDK's own NIO, side by side:
 * <ul>
 *   <li>{@code idlePoll}: a poll that does not block on a poller with nothing ready
 *       ({@link EpollPoller#poll(long)} with 0: one {@code epoll_wait(0)}; NIO:
 *       {@code Selector.selectNow()});</li>
 *   <li>{@code roundTrip64}: 64 bytes written on one end of a connected loopback TCP pair and
 *       read on the other, through {@link Posix} with {@link NativeBuffer}s (the address
 *       looked up once, as a connection would; NIO: non-blocking {@code SocketChannel}s over
 *       direct buffers);</li>
 *   <li>{@code wouldBlockRead}: a read on a connected socket with nothing to read (EAGAIN;
 *       jnr-ffi reads errno with a second call, JNI returns it in the first; NIO returns 0);</li>
 *   <li>{@code wakeAndWait}: a wake-up and the wait it ends, on one thread: an
 *       {@code eventfd} write and an {@code epoll_wait} that returns at once (NIO:
 *       {@code Selector.wakeup()} then {@code select()}).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyscallBoundBench {
    private static final int SIZE = 64;

    @Param({"jni", "jnr", "nio"})
    public String binding;

    private boolean nio;
    private ByteBuffer out = ByteBuffer.allocateDirect(SIZE);
    private ByteBuffer in = ByteBuffer.allocateDirect(SIZE);
    private NativeBuffer nativeOut, nativeIn;

    // native
    private Syscalls sys;
    private Posix posix;
    private EpollPoller poller;
    private int listener, client, server;
    private int epfd, eventFd;
    private ByteBuffer events;
    private long eventsAddress;

    // JDK NIO
    private Selector selector;
    private ServerSocketChannel nioListener;
    private SocketChannel nioClient, nioServer;

    @Setup
    public void open() throws IOException {
        nio = binding.equals("nio");
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (nio) {
            selector = Selector.open();
            nioListener = ServerSocketChannel.open().bind(loopback);
            nioClient = SocketChannel.open(nioListener.getLocalAddress());
            nioServer = nioListener.accept();
            for (SocketChannel c : new SocketChannel[] {nioClient, nioServer}) {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return;
        }
        sys = Bindings.of(binding);
        posix = new Posix(sys);
        poller = new EpollPoller(sys);
        nativeOut = posix.allocate(SIZE);
        nativeIn = posix.allocate(SIZE);
        out = nativeOut.buffer();
        in = nativeIn.buffer();
        listener = posix.openStream(StandardProtocolFamily.INET);
        posix.bind(listener, loopback);
        posix.listen(listener, 1);
        client = posix.openStream(StandardProtocolFamily.INET);
        posix.connect(client, posix.localAddress(listener));
        int accepted;
        while ((accepted = posix.accept(listener)) == Posix.WOULD_BLOCK) {
            Thread.onSpinWait();
        }
        server = accepted;
        posix.finishConnect(client);
        posix.setOption(client, StandardSocketOptions.TCP_NODELAY, true);
        posix.setOption(server, StandardSocketOptions.TCP_NODELAY, true);
        epfd = sys.epollCreate();
        eventFd = sys.eventfd(0, sys.abi().EFD_NONBLOCK | sys.abi().EFD_CLOEXEC);
        int r = sys.epollCtl(epfd, sys.abi().EPOLL_CTL_ADD, eventFd, sys.abi().EPOLLIN | sys.abi().EPOLLET, 1L);
        if (epfd < 0 || eventFd < 0 || r < 0) {
            throw new IllegalStateException("epoll/eventfd setup failed: " + epfd + " " + eventFd + " " + r);
        }
        events = ByteBuffer.allocateDirect(8 * sys.abi().epollEventSize).order(ByteOrder.nativeOrder());
        eventsAddress = sys.address(events);
    }

    @TearDown
    public void close() throws IOException {
        if (nio) {
            nioClient.close();
            nioServer.close();
            nioListener.close();
            selector.close();
            return;
        }
        poller.close();
        posix.close(client);
        posix.close(server);
        posix.close(listener);
        sys.close(eventFd);
        sys.close(epfd);
    }

    @Benchmark
    public int idlePoll() throws IOException {
        return nio ? selector.selectNow() : poller.poll(0);
    }

    @Benchmark
    public int roundTrip64() throws IOException {
        out.clear();
        in.clear();
        if (nio) {
            nioClient.write(out);
            while (in.hasRemaining()) {
                nioServer.read(in);
            }
        } else {
            posix.write(client, nativeOut);
            while (in.hasRemaining()) {
                posix.read(server, nativeIn);
            }
        }
        return in.position();
    }

    @Benchmark
    public int wouldBlockRead() throws IOException {
        in.clear();
        return nio ? nioServer.read(in) : posix.read(server, nativeIn);
    }

    @Benchmark
    public int wakeAndWait() throws IOException {
        if (nio) {
            selector.wakeup();
            return selector.select();
        }
        sys.eventfdWrite(eventFd, 1L);
        return sys.epollWait(epfd, eventsAddress, 8, -1);
    }
}
