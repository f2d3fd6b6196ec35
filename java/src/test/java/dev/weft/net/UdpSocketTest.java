package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sys.OpenDescriptors;
import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** UdpSocket behaviour on every socket-capable backend. */
class UdpSocketTest {
    private static OpenDescriptors baseline;

    static List<Backend> backends() {
        return NetTesting.backends();
    }

    @BeforeAll
    static void warmUp() {
        baseline = NetTesting.warmUpAndCountFds();
    }

    @AfterAll
    static void noDescriptorLeaks() throws InterruptedException {
        OpenDescriptors.awaitNoLeakSince(baseline, "after UdpSocketTest");
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aDatagramMakesTheRoundTripWithItsSender(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             UdpSocket a = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT));
             UdpSocket b = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            ByteBuffer atB = ByteBuffer.allocateDirect(64);
            JoinHandle<Datagram> received = rt.spawn(b.recvFrom(atB));
            assertEquals(4, rt.blockOn(a.sendTo(ascii("ping"), b.localAddress())));
            Datagram d = received.join(Duration.ofSeconds(10));
            assertEquals(a.localAddress(), d.sender());
            assertEquals(4, d.length());
            assertFalse(d.truncated());
            assertEquals("ping", StandardCharsets.US_ASCII.decode(atB.flip()).toString());

            // Answer through a connected socket; the heap buffer goes through the scratch buffer.
            b.connect(a.localAddress());
            ByteBuffer atA = ByteBuffer.allocate(64);
            JoinHandle<Datagram> answer = rt.spawn(a.recvFrom(atA));
            rt.blockOn(b.send(ascii("pong")));
            assertEquals(b.localAddress(), answer.join(Duration.ofSeconds(10)).sender());
            assertEquals("pong", new String(atA.array(), 0, atA.position(), StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aConnectedSocketSendsToItsPeerOnly(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 1);
             UdpSocket a = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT));
             UdpSocket b = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT));
             UdpSocket c = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            a.connect(b.localAddress());
            assertEquals(2, rt.blockOn(a.sendTo(ascii("hi"), b.localAddress())), "the peer itself is fine");
            Throwable e = NetTesting.failureOf(rt, a.sendTo(ascii("hi"), c.localAddress()));
            assertInstanceOf(java.net.SocketException.class, e);
            assertTrue(e.getMessage().startsWith("EISCONN"), e.getMessage());
            assertTrue(e.getMessage().contains(c.localAddress().toString()), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aDatagramLongerThanTheBufferIsReportedTruncated(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 1);
             UdpSocket a = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT));
             UdpSocket b = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            rt.blockOn(a.sendTo(ByteBuffer.allocateDirect(100), b.localAddress()));
            ByteBuffer small = ByteBuffer.allocateDirect(10);
            Datagram d = rt.blockOn(b.recvFrom(small));
            assertTrue(d.truncated());
            assertEquals(100, d.length(), "the length the datagram had");
            assertEquals(10, small.position(), "only the room's worth is stored");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingASocketWakesItsPendingReceiver(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2)) {
            UdpSocket s = rt.blockOn(UdpSocket.bind(NetTesting.LOOPBACK_ANY_PORT));
            CountDownLatch waiting = new CountDownLatch(1);
            ByteBuffer buf = ByteBuffer.allocateDirect(16);
            JoinHandle<Datagram> recv = rt.spawn(cx -> {
                Datagram d = s.pollRecv(cx, buf);
                if (d == null) {
                    waiting.countDown();
                    return Poll.pending();
                }
                return Poll.ready(d);
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            s.close();
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> recv.join(Duration.ofSeconds(10)));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
        }
    }
}
