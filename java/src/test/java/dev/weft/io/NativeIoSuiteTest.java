package dev.weft.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.sys.Bindings;
import dev.weft.sys.OpenDescriptors;
import dev.weft.sys.Posix;
import dev.weft.sys.SyscallException;
import dev.weft.sys.Syscalls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The I/O suite every binding must pass: sockets, epoll readiness, eventfd wake-ups, error
 * mapping and stale tokens, end to end over loopback. The process's open-fd count is back to
 * its baseline afterwards.
 */
class NativeIoSuiteTest {
    private static OpenDescriptors baselineFds;

    static List<Syscalls> bindings() {
        return Bindings.available();
    }

    @BeforeAll
    static void warmUpAndCountFds() throws IOException {
        // Load both bindings and open/close one pair first, so lazily opened JDK and jar
        // descriptors are part of the baseline rather than counted as leaks.
        for (Syscalls s : bindings()) {
            try (EpollPoller p = new EpollPoller(s); Loopback l = new Loopback(p)) {
                l.awaitWritable(l.serverReg);
            }
        }
        baselineFds = OpenDescriptors.snapshot();
    }

    @AfterAll
    static void fdsAreBackToBaseline() {
        OpenDescriptors.assertNoLeakSince(baselineFds, "after the I/O suite");
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void transfersOneMebibyteOverLoopbackIntact(Syscalls sys) throws IOException {
        byte[] sent = new byte[1 << 20];
        new Random(42).nextBytes(sent);
        byte[] received = new byte[sent.length];
        ByteBuffer out = ByteBuffer.allocateDirect(sent.length).put(sent).flip();
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            CountingWaker w = new CountingWaker();
            int got = 0;
            long deadline = System.nanoTime() + Loopback.WAIT_LIMIT_NANOS;
            while (got < sent.length) {
                boolean progressed = false;
                long wt = out.hasRemaining() ? l.clientReg.pollWriteReady(w.cx) : Registration.NOT_READY;
                if (wt >= 0) {
                    int offered = out.remaining();
                    int n = l.posix.write(l.client, out);
                    if (n == Posix.WOULD_BLOCK || n < offered) {
                        l.clientReg.clearWriteReady(wt); // full for now
                    }
                    progressed |= n > 0;
                }
                long rt = l.serverReg.pollReadReady(w.cx);
                if (rt >= 0) {
                    in.clear();
                    int n = l.posix.read(l.server, in);
                    if (n == Posix.WOULD_BLOCK || (n > 0 && in.hasRemaining())) {
                        l.serverReg.clearReadReady(rt); // drained for now
                    }
                    assertNotEquals(Posix.EOF, n, "unexpected end of stream");
                    if (n > 0) {
                        in.flip().get(received, got, n);
                        got += n;
                        progressed = true;
                    }
                }
                if (!progressed) {
                    assertTrue(System.nanoTime() < deadline, "transfer stalled at " + got + " bytes");
                    p.poll(50_000_000L);
                }
            }
            assertArrayEquals(sent, received);
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void aReadOnAnEmptySocketIsNotReady(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(16);
            assertEquals(Posix.WOULD_BLOCK, l.posix.read(l.server, buf));
            assertEquals(0, buf.position());
            assertEquals(-sys.abi().EAGAIN, sys.read(l.server, sys.address(buf), 16));
            assertEquals(Posix.WOULD_BLOCK, l.posix.read(l.server, new ByteBuffer[] {buf}, 0, 1));
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void epollReportsWritableAfterConnectAndReadableAfterThePeerWrites(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            CountingWaker reader = new CountingWaker();
            CountingWaker writer = new CountingWaker();
            assertTrue(l.clientReg.pollWriteReady(writer.cx) >= 0, "a connected socket is writable");
            p.poll(0);
            assertEquals(Registration.NOT_READY, l.clientReg.pollReadReady(reader.cx));
            l.posix.write(l.server, ByteBuffer.allocateDirect(5).put("hello".getBytes()).flip());
            long deadline = System.nanoTime() + Loopback.WAIT_LIMIT_NANOS;
            while (reader.count() == 0 && System.nanoTime() < deadline) {
                p.poll(50_000_000L);
            }
            assertEquals(1, reader.count(), "the reader's waker is woken once by the edge");
            long tick = l.clientReg.pollReadReady(reader.cx);
            assertTrue(tick >= 0);
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            assertEquals(5, l.posix.read(l.client, buf));
            assertEquals("hello", new String(bytes(buf.flip())));
            l.clientReg.clearReadReady(tick); // short read: drained
            assertEquals(Registration.NOT_READY, l.clientReg.pollReadReady(reader.cx));
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void anEventfdWakeFromAnotherThreadEndsABlockingWait(Syscalls sys) throws Exception {
        try (EpollPoller p = new EpollPoller(sys)) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                started.countDown();
                try {
                    p.poll(-1); // no limit: only the wake can end it
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "blocked-poller");
            waiter.setDaemon(true);
            waiter.start();
            started.await();
            Thread.sleep(20); // let it reach epoll_wait; a wake that comes earlier ends it too
            p.wakeup();
            waiter.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(waiter.isAlive(), "the wake-up did not end the blocking wait");
            assertEquals(null, error.get());
            // A wake while nobody waits is remembered: the next wait returns at once.
            p.wakeup();
            assertEquals(0, p.poll(-1));
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void aPeerResetSurfacesAsASocketExceptionNamingEconnreset(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            resetServerSide(l);
            l.awaitReadable(l.clientReg);
            SocketException e = assertThrows(SocketException.class, () -> l.posix.read(l.client, ByteBuffer.allocateDirect(8)));
            assertTrue(e.getMessage().contains("ECONNRESET"), e.getMessage());
            assertEquals("ECONNRESET", ((SyscallException) e).errnoName());
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void aWriteToAResetPeerIsAnErrorNotASigpipe(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            resetServerSide(l);
            l.awaitReadable(l.clientReg);
            ByteBuffer data = ByteBuffer.allocateDirect(1024);
            // The first write may report the reset; later ones find the pipe broken. None kills us.
            SocketException e = assertThrows(SocketException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    data.clear();
                    l.posix.write(l.client, data);
                }
            });
            String name = ((SyscallException) e).errnoName();
            assertTrue(name.equals("EPIPE") || name.equals("ECONNRESET"), e.getMessage());
            data.clear();
            assertThrows(SocketException.class, () -> l.posix.write(l.client, new ByteBuffer[] {data}, 0, 1));
        }
    }

    /** Makes the server end send an RST: linger 0, then close (its registration first). */
    private static void resetServerSide(Loopback l) throws IOException {
        l.posix.setOption(l.server, StandardSocketOptions.SO_LINGER, 0);
        assertEquals(0, l.posix.getOption(l.server, StandardSocketOptions.SO_LINGER));
        l.closeServer();
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void connectingToAClosedPortIsAConnectException(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys)) {
            Posix posix = p.posix();
            int probe = posix.openStream(StandardProtocolFamily.INET);
            posix.bind(probe, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress closedPort = posix.localAddress(probe);
            posix.close(probe); // bound, never listening, now closed: nothing answers there
            int fd = posix.openStream(StandardProtocolFamily.INET);
            Registration reg = p.register(fd);
            try {
                ConnectException e = assertThrows(ConnectException.class, () -> {
                    if (!posix.connect(fd, closedPort)) {
                        long deadline = System.nanoTime() + Loopback.WAIT_LIMIT_NANOS;
                        while (reg.pollWriteReady(new CountingWaker().cx) == Registration.NOT_READY
                                && System.nanoTime() < deadline) {
                            p.poll(50_000_000L);
                        }
                        posix.finishConnect(fd);
                    }
                });
                assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
            } finally {
                reg.close();
                posix.close(fd);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void aStaleTokenWakesNothing(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            Posix posix = l.posix;
            // A dup keeps the client's socket, and its epoll entry with the old token, alive
            // after the fd and the registration are gone.
            int dup = sys.fcntl(l.client, sys.abi().F_DUPFD_CLOEXEC, 0);
            assertTrue(dup >= 0, "dup failed: " + dup);
            long oldToken = l.clientReg.token();
            l.closeClient();
            int fresh = posix.openStream(StandardProtocolFamily.INET); // likely the same number
            Registration reused = p.register(fresh);
            try {
                assertEquals((int) oldToken, (int) reused.token(), "the freed slot is reused");
                assertNotEquals(oldToken, reused.token(), "with a new generation");
                CountingWaker w = new CountingWaker();
                p.poll(0);
                reused.pollWriteReady(w.cx); // park a waker on the new registration
                reused.pollReadReady(w.cx);
                int before = w.count();
                // The peer writes: the old socket becomes readable and epoll reports the old token.
                posix.write(l.server, ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip());
                for (int i = 0; i < 5; i++) {
                    p.poll(20_000_000L);
                }
                assertEquals(before, w.count(), "a stale event woke the new registration's waker");
                assertEquals(0, reused.readinessBits() & Registration.READABLE);
                // The same through the dispatcher directly: a stale token is dropped.
                assertFalse(p.dispatchForTest(oldToken, sys.abi().EPOLLIN));
                assertTrue(p.dispatchForTest(reused.token(), sys.abi().EPOLLIN));
            } finally {
                reused.close();
                posix.close(fresh);
                sys.close(dup);
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void closingARegistrationWakesBothWaitersWhoSeeItClosed(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            CountingWaker reader = new CountingWaker();
            CountingWaker writer = new CountingWaker();
            p.poll(0);
            assertEquals(Registration.NOT_READY, l.serverReg.pollReadReady(reader.cx));
            l.serverReg.pollWriteReady(writer.cx);
            l.serverReg.close();
            assertEquals(1, reader.count());
            assertEquals(1, writer.count());
            assertEquals(Registration.CLOSED, l.serverReg.pollReadReady(reader.cx));
            assertEquals(Registration.CLOSED, l.serverReg.pollWriteReady(writer.cx));
            assertTrue(l.serverReg.isClosed());
            l.serverReg.close(); // idempotent
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void theLocalAndPeerAddressesAndOptionsRoundTrip(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            assertEquals(l.posix.localAddress(l.client), l.posix.peerAddress(l.server));
            assertEquals(l.posix.localAddress(l.listener), l.posix.peerAddress(l.client));
            l.posix.setOption(l.client, StandardSocketOptions.TCP_NODELAY, true);
            assertEquals(true, l.posix.getOption(l.client, StandardSocketOptions.TCP_NODELAY));
            l.posix.setOption(l.client, StandardSocketOptions.SO_KEEPALIVE, true);
            assertEquals(true, l.posix.getOption(l.client, StandardSocketOptions.SO_KEEPALIVE));
            l.posix.setOption(l.client, StandardSocketOptions.SO_LINGER, -1);
            assertEquals(-1, l.posix.getOption(l.client, StandardSocketOptions.SO_LINGER));
            assertTrue(l.posix.getOption(l.client, StandardSocketOptions.SO_RCVBUF) > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void gatheringWritesAndScatteringReadsMovePositionsInOrder(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            ByteBuffer a = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
            ByteBuffer empty = ByteBuffer.allocateDirect(0);
            ByteBuffer b = ByteBuffer.allocateDirect(2).put(new byte[] {4, 5}).flip();
            assertEquals(5, l.posix.write(l.client, new ByteBuffer[] {a, empty, b}, 0, 3));
            assertFalse(a.hasRemaining() || b.hasRemaining());
            l.awaitReadable(l.serverReg);
            ByteBuffer x = ByteBuffer.allocateDirect(2);
            ByteBuffer y = ByteBuffer.allocateDirect(8);
            assertEquals(5, l.posix.read(l.server, new ByteBuffer[] {x, y}, 0, 2));
            assertArrayEquals(new byte[] {1, 2}, bytes(x.flip()));
            assertArrayEquals(new byte[] {3, 4, 5}, bytes(y.flip()));
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void nativeBuffersReadAndWriteLikeTheirByteBuffers(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            dev.weft.sys.NativeBuffer out = l.posix.allocate(8);
            out.buffer().put(new byte[] {9, 8, 7}).flip();
            assertEquals(3, l.posix.write(l.client, out));
            assertEquals(3, out.buffer().position());
            l.awaitReadable(l.serverReg);
            dev.weft.sys.NativeBuffer in = l.posix.wrap(ByteBuffer.allocateDirect(2));
            assertEquals(2, l.posix.read(l.server, in));
            assertArrayEquals(new byte[] {9, 8}, bytes(in.buffer().flip()));
            assertThrows(IllegalArgumentException.class, () -> l.posix.wrap(ByteBuffer.allocate(4)));
            assertThrows(NullPointerException.class, () -> l.posix.read(l.server, (dev.weft.sys.NativeBuffer) null));
            assertThrows(IllegalArgumentException.class, () -> l.posix.read(l.server, l.posix.wrap(ByteBuffer.allocateDirect(4).asReadOnlyBuffer())));
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void datagramsCarryTheirSender(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys)) {
            Posix posix = p.posix();
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            int a = posix.openDatagram(StandardProtocolFamily.INET);
            int b = posix.openDatagram(StandardProtocolFamily.INET);
            try {
                posix.bind(a, any);
                posix.bind(b, any);
                ByteBuffer buf = ByteBuffer.allocateDirect(32);
                assertEquals(null, posix.receiveFrom(b, buf), "nothing waiting: null, not an exception");
                assertEquals(2, posix.sendTo(a, ByteBuffer.allocateDirect(2).put(new byte[] {7, 8}).flip(), posix.localAddress(b)));
                InetSocketAddress from = null;
                long deadline = System.nanoTime() + Loopback.WAIT_LIMIT_NANOS;
                while (from == null && System.nanoTime() < deadline) {
                    from = posix.receiveFrom(b, buf);
                }
                assertEquals(posix.localAddress(a), from);
                assertArrayEquals(new byte[] {7, 8}, bytes(buf.flip()));
            } finally {
                posix.close(a);
                posix.close(b);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void theEndOfStreamIsStickyAcrossAShortRead(Syscalls sys) throws IOException {
        try (EpollPoller p = new EpollPoller(sys); Loopback l = new Loopback(p)) {
            l.posix.write(l.server, ByteBuffer.allocateDirect(4).put(new byte[] {1, 2, 3, 4}).flip());
            l.posix.shutdown(l.server, false, true);
            // Wait until both the data and the FIN have been reported.
            long deadline = System.nanoTime() + Loopback.WAIT_LIMIT_NANOS;
            while ((l.clientReg.readinessBits() & Registration.READ_CLOSED) == 0 && System.nanoTime() < deadline) {
                p.poll(20_000_000L);
            }
            long tick = l.clientReg.pollReadReady(new CountingWaker().cx);
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            assertEquals(4, l.posix.read(l.client, buf));
            l.clientReg.clearReadReady(tick); // short read
            assertTrue(l.clientReg.pollReadReady(new CountingWaker().cx) >= 0, "EOF must stay visible");
            assertEquals(Posix.EOF, l.posix.read(l.client, buf));
        }
    }
}
