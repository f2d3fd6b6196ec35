package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sys.OpenDescriptors;
import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TcpStream behaviour on every socket-capable backend. */
class TcpStreamTest {
    private static OpenDescriptors baseline;

    static java.util.List<Backend> backends() {
        return NetTesting.backends();
    }

    @BeforeAll
    static void warmUp() {
        baseline = NetTesting.warmUpAndCountFds();
    }

    @AfterAll
    static void noDescriptorLeaks() throws InterruptedException {
        OpenDescriptors.awaitNoLeakSince(baseline, "after TcpStreamTest");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoesThroughDirectHeapAndVectoredBuffers(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            rt.spawn(NetTesting.echoServer(listener));
            byte[] data = new byte[200_000];
            new Random(7).nextBytes(data);
            byte[] back = rt.blockOn(TcpStream.connect(listener.localAddress()).flatMap(s -> {
                ByteBuffer heap = ByteBuffer.wrap(data, 0, 70_000);
                ByteBuffer direct = ByteBuffer.allocateDirect(60_000).put(data, 70_000, 60_000).flip();
                ByteBuffer[] vector = {ByteBuffer.wrap(data, 130_000, 30_000),
                        ByteBuffer.allocateDirect(40_000).put(data, 160_000, 40_000).flip()};
                Async<Void> send = s.writeAll(heap).andThen(s.writeAll(direct)).andThen(writeAllVector(s, vector))
                        .map(v -> {
                            try {
                                s.shutdownOutput();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            return null;
                        });
                return Async.join(send, NetTesting.readToEnd(s), (v, bytes) -> {
                    closeQuietly(s);
                    return bytes;
                });
            }));
            assertArrayEquals(data, back);
        }
    }

    private static Async<Void> writeAllVector(TcpStream s, ByteBuffer[] bufs) {
        return cx -> {
            while (bufs[bufs.length - 1].hasRemaining()) {
                if (s.pollWrite(cx, bufs, 0, bufs.length) == TcpStream.PENDING) {
                    return Poll.pending();
                }
            }
            return Poll.ready(null);
        };
    }

    @ParameterizedTest
    @MethodSource("backends")
    void connectToAClosedPortFailsWithConnectException(Backend backend) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (Runtime rt = NetTesting.runtime(backend, 1)) {
            Throwable t = NetTesting.failureOf(rt, TcpStream.connect(new InetSocketAddress("127.0.0.1", port)));
            assertInstanceOf(ConnectException.class, t);
            assertTrue(t.getMessage().contains("ECONNREFUSED"), t.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void connectWithATimeoutFailsWithSocketTimeoutExceptionWhenNobodyAnswers(Backend backend) throws Exception {
        // A listener that never accepts, with a full accept queue: the kernel drops further SYNs.
        try (ServerSocket deaf = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Runtime rt = NetTesting.runtime(backend, 1)) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", deaf.getLocalPort());
            java.util.List<TcpStream> queued = new java.util.ArrayList<>();
            Throwable t = null;
            for (int i = 0; i < 8 && t == null; i++) { // fill the queue, then one more must time out
                try {
                    queued.add(rt.blockOn(TcpStream.connect(target, Duration.ofMillis(300))));
                } catch (CompletionException e) {
                    t = e.getCause();
                }
            }
            for (TcpStream q : queued) {
                q.close();
            }
            assertInstanceOf(java.net.SocketTimeoutException.class, t);
            assertTrue(t.getMessage().contains("timed out"), t.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TcpStream.connect(NetTesting.LOOPBACK_ANY_PORT, Duration.ZERO));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void halfCloseReadsAsEndOfStreamWhileTheOtherDirectionStillWorks(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            // Server: read the request to end of stream, then answer on the still-open direction.
            JoinHandle<byte[]> server = rt.spawn(listener.accept().flatMap(s -> NetTesting.readToEnd(s).flatMap(req ->
                    s.writeAll(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII))).map(v -> {
                        closeQuietly(s);
                        return req;
                    }))));
            byte[] answer = rt.blockOn(TcpStream.connect(listener.localAddress()).flatMap(c ->
                    c.writeAll(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII))).flatMap(v -> {
                        try {
                            c.shutdownOutput();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return NetTesting.readToEnd(c).map(bytes -> {
                            closeQuietly(c);
                            return bytes;
                        });
                    })));
            assertEquals("hello", new String(server.join(Duration.ofSeconds(10)), StandardCharsets.US_ASCII));
            assertEquals("bye", new String(answer, StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void splitHalvesAreUsedByTwoTasksAtOnce(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            rt.spawn(NetTesting.echoServer(listener));
            TcpStream stream = rt.blockOn(TcpStream.connect(listener.localAddress()));
            TcpStream.Split halves = stream.split();
            byte[] data = new byte[3_000_000]; // far more than the socket buffers: neither side may wait for the other
            new Random(11).nextBytes(data);
            ByteBuffer received = ByteBuffer.allocate(data.length);
            JoinHandle<Void> writer = rt.spawn(halves.writer().writeAll(ByteBuffer.wrap(data)));
            JoinHandle<Void> reader = rt.spawn(cx -> {
                while (received.hasRemaining()) {
                    int n = halves.reader().pollRead(cx, received);
                    if (n == TcpStream.PENDING) {
                        return Poll.pending();
                    }
                    if (n == TcpStream.EOF) {
                        throw new java.io.EOFException("early end of stream");
                    }
                }
                return Poll.ready(null);
            });
            writer.join(Duration.ofSeconds(30));
            reader.join(Duration.ofSeconds(30));
            assertArrayEquals(data, received.array());
            halves.writer().close();
            assertTrue(stream.isOpen(), "the stream stays open until both halves are closed");
            halves.reader().close();
            assertTrue(!stream.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingAStreamWakesItsPendingReaderWithClosedChannelException(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
            TcpStream client = rt.blockOn(TcpStream.connect(listener.localAddress()));
            TcpStream server = accepted.join(Duration.ofSeconds(10));
            CountDownLatch waiting = new CountDownLatch(1);
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            JoinHandle<Integer> read = rt.spawn(cx -> {
                int n = server.pollRead(cx, buf);
                if (n == TcpStream.PENDING) {
                    waiting.countDown();
                    return Poll.pending();
                }
                return Poll.ready(n);
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS), "the reader never became pending");
            server.close();
            CompletionException e = assertThrows(CompletionException.class, () -> read.join(Duration.ofSeconds(10)));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            client.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPeerResetMidTransferFailsTheReaderAndTheWriterAndTheServerGoesOn(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            AtomicReference<TcpStream> serverSide = new AtomicReference<>();
            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            CountDownLatch bothFailed = new CountDownLatch(2);
            JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
            try (Socket peer = new Socket()) {
                peer.connect(listener.localAddress(), 5_000);
                TcpStream s = accepted.join(Duration.ofSeconds(10));
                serverSide.set(s);
                TcpStream.Split halves = s.split();
                ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
                rt.spawn(cx -> { // streams data to the peer until the connection breaks
                    try {
                        while (true) {
                            if (!chunk.hasRemaining()) {
                                chunk.clear();
                            }
                            if (halves.writer().pollWrite(cx, chunk) == TcpStream.PENDING) {
                                return Poll.pending();
                            }
                        }
                    } catch (java.io.IOException e) {
                        writeFailure.set(e);
                        bothFailed.countDown();
                        return Poll.ready(null);
                    }
                });
                ByteBuffer in = ByteBuffer.allocateDirect(1024);
                rt.spawn(cx -> { // waits for data that never comes
                    try {
                        while (true) {
                            in.clear();
                            int n = halves.reader().pollRead(cx, in);
                            if (n == TcpStream.PENDING) {
                                return Poll.pending();
                            }
                            if (n == TcpStream.EOF) {
                                readFailure.set(new AssertionError("clean end of stream after a reset"));
                                bothFailed.countDown();
                                return Poll.ready(null);
                            }
                        }
                    } catch (java.io.IOException e) {
                        readFailure.set(e);
                        bothFailed.countDown();
                        return Poll.ready(null);
                    }
                });
                InputStream fromServer = peer.getInputStream();
                fromServer.readNBytes(100_000); // mid-transfer
                peer.setSoLinger(true, 0); // close with unread data and no linger: a reset
            }
            boolean failedBoth = bothFailed.await(20, TimeUnit.SECONDS);
            serverSide.get().close();
            assertTrue(failedBoth, "reader and writer must both see the reset");
            for (Throwable t : new Throwable[] {readFailure.get(), writeFailure.get()}) {
                assertInstanceOf(SocketException.class, t);
                assertTrue(t.getMessage().toLowerCase().contains("reset"), "should name the reset: " + t.getMessage());
            }
            // ... and the server goes on serving others.
            rt.spawn(NetTesting.echoServer(listener));
            byte[] ping = "still here".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer pong = ByteBuffer.allocate(ping.length);
            rt.blockOn(TcpStream.connect(listener.localAddress()).flatMap(c -> c.writeAll(ByteBuffer.wrap(ping))
                    .andThen(NetTesting.readFully(c, pong)).map(v -> {
                        closeQuietly(c);
                        return null;
                    })));
            assertArrayEquals(ping, pong.array());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void hasAddressesNoDelayByDefaultAndSettableOptions(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 1);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            JoinHandle<TcpStream> accepted = rt.spawn(listener.accept());
            try (TcpStream c = rt.blockOn(TcpStream.connect(listener.localAddress()));
                 TcpStream s = accepted.join(Duration.ofSeconds(10))) {
                assertEquals(listener.localAddress(), c.peerAddress());
                assertEquals(c.localAddress(), s.peerAddress());
                assertTrue(c.getOption(StandardSocketOptions.TCP_NODELAY));
                assertTrue(s.getOption(StandardSocketOptions.TCP_NODELAY));
                c.setOption(StandardSocketOptions.SO_KEEPALIVE, true).setOption(StandardSocketOptions.SO_LINGER, 3);
                assertTrue(c.getOption(StandardSocketOptions.SO_KEEPALIVE));
                assertEquals(3, c.getOption(StandardSocketOptions.SO_LINGER));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badArgumentsAreRefusedWithClearMessages(Backend backend) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> TcpStream.connect(InetSocketAddress.createUnresolved("nowhere.invalid", 80)));
        try (Runtime rt = NetTesting.runtime(backend, 1);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            rt.spawn(NetTesting.echoServer(listener));
            try (TcpStream c = rt.blockOn(TcpStream.connect(listener.localAddress()))) {
                Throwable t = NetTesting.failureOf(rt, c.read(ByteBuffer.allocate(8).asReadOnlyBuffer()));
                assertInstanceOf(IllegalArgumentException.class, t);
                assertThrows(NullPointerException.class, () -> c.read(new ByteBuffer[] {null}));
                c.close();
                assertInstanceOf(ClosedChannelException.class, NetTesting.failureOf(rt, c.write(ByteBuffer.allocate(1))));
            }
        }
        assertThrows(IllegalStateException.class, () -> {
            try {
                TcpStream.connect(NetTesting.LOOPBACK_ANY_PORT).poll(dev.weft.task.Context.of(() -> { }));
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage().contains("Weft task"), e.getMessage());
                throw e;
            }
        }, "outside a worker, sockets say where they must run");
        assertTrue(Arrays.asList(Backend.values()).contains(backend));
    }

    static void closeQuietly(TcpStream s) {
        try {
            s.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
