package dev.weft.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sys.OpenDescriptors;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NIO poller's emulation of edge-triggered readiness over a level-triggered selector
 * (see {@link ChannelKey}), on real loopback channels: a direction is reported once and then
 * left alone until a task clears it; a clear re-arms it, also from another thread while the
 * owner is parked in a select; closing drops the key and the descriptor at once.
 */
class NioPollerTest {
    private OpenDescriptors baseline;
    private NioPoller poller;
    private ServerSocketChannel listener;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ExecutorService owner = Executors.newSingleThreadExecutor(r -> new Thread(r, "nio-poller-test-owner"));

    @BeforeEach
    void open() throws IOException {
        warmUpJdk();
        baseline = OpenDescriptors.snapshot();
        poller = new NioPoller();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Lets the JDK open what it keeps for the process's life on first use of NIO sockets. */
    private static void warmUpJdk() throws IOException {
        SocketChannel.open().close();
        DatagramChannel.open().close();
        new NioPoller().close();
    }

    @AfterEach
    void close() throws Exception {
        owner.shutdownNow();
        assertTrue(owner.awaitTermination(10, TimeUnit.SECONDS));
        for (AutoCloseable c : opened) {
            c.close();
        }
        poller.close();
        listener.close();
        OpenDescriptors.awaitNoLeakSince(baseline, "after this test");
    }

    /** A connected pair: [0] the peer (blocking), [1] the server side, non-blocking, for registering. */
    private SocketChannel[] pair() throws IOException {
        SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
        SocketChannel server = listener.accept();
        server.configureBlocking(false);
        opened.add(peer);
        opened.add(server);
        return new SocketChannel[] {peer, server};
    }

    private static void send(SocketChannel peer, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            peer.write(b);
        }
    }

    /** Polls without blocking until {@code reg} is readable (bounded): loopback data lands within microseconds. */
    private long awaitReadable(Registration reg, CountingWaker w) throws IOException {
        for (int i = 0; i < 1_000; i++) {
            long tick = reg.pollReadReady(w.cx);
            if (tick >= 0) {
                return tick;
            }
            poller.poll(10_000_000L);
        }
        throw new AssertionError("never readable: " + reg);
    }

    @Test
    void aReadySocketIsReportedOnceAndNotAgainUntilATaskClearsIt() throws IOException {
        SocketChannel[] p = pair();
        Registration reg = poller.register(p[1]);
        CountingWaker w = new CountingWaker();
        assertEquals(Registration.NOT_READY, reg.pollReadReady(w.cx));
        send(p[0], 100);
        long tick = awaitReadable(reg, w);
        assertEquals(1, w.count(), "the waiting reader was woken");
        // The data stays unread: a level-triggered selector would report it on every select.
        for (int i = 0; i < 5; i++) {
            assertEquals(0, poller.poll(0), "a direction already marked ready is not reported again");
        }
        // The task drains the socket and finds it not ready: the clear re-arms read interest.
        ByteBuffer into = ByteBuffer.allocateDirect(1024);
        assertEquals(100, p[1].read(into));
        assertEquals(0, p[1].read(into.clear()));
        reg.clearReadReady(tick);
        assertEquals(Registration.NOT_READY, reg.pollReadReady(w.cx));
        assertEquals(0, poller.poll(0), "nothing to read, nothing reported");
        send(p[0], 10);
        awaitReadable(reg, w);
        assertEquals(2, w.count(), "the next data is a new edge");
        reg.close();
    }

    @Test
    void aRearmFromAnotherThreadWhileTheOwnerIsParkedIsNotLost() throws Exception {
        SocketChannel[] p = pair();
        Registration reg = poller.register(p[1]);
        CountingWaker w = new CountingWaker();
        send(p[0], 1);
        long tick = awaitReadable(reg, w);
        assertEquals(1, p[1].read(ByteBuffer.allocateDirect(16)));

        // The owner blocks in select with no time limit, until the socket is readable again.
        AtomicBoolean cleared = new AtomicBoolean();
        Future<Integer> parked = owner.submit(() -> {
            int polls = 0;
            while (!cleared.get() || reg.pollReadReady(w.cx) == Registration.NOT_READY) {
                poller.poll(-1);
                polls++;
            }
            return polls;
        });
        for (int i = 0; i < 1_000 && !poller.isParked(); i++) {
            Thread.sleep(5);
        }
        assertTrue(poller.isParked(), "the owner never parked");
        Thread.sleep(50); // let it get into the select proper; the outcome must not depend on it

        // This thread is the task: the read would block, so it clears readiness and re-arms.
        assertEquals(0, p[1].read(ByteBuffer.allocateDirect(16)));
        reg.clearReadReady(tick);
        cleared.set(true);
        send(p[0], 1);
        // Without a wake-up the select in progress keeps the old interest set and never returns.
        assertTrue(parked.get(10, TimeUnit.SECONDS) >= 1);
        reg.close();
    }

    @Test
    void aReArmByTheOwnerWhileItRunsLeavesNoWakeUpBehind() {
        WakeupLatch latch = new WakeupLatch();
        assertFalse(latch.interruptIfParked(), "running: nothing to interrupt");
        assertTrue(latch.beginPark(), "and no pending notification refuses the next park");
        assertTrue(latch.interruptIfParked(), "parked: the first caller interrupts");
        assertFalse(latch.interruptIfParked(), "one wake-up per park");
        latch.endPark();
        assertTrue(latch.beginPark());
        latch.endPark();
    }

    @Test
    void closingARegistrationWhileTheOwnerIsParkedReleasesTheDescriptorAtOnce() throws Exception {
        OpenDescriptors beforePair = OpenDescriptors.snapshot();
        SocketChannel[] p = pair();
        Registration reg = poller.register(p[1]);
        poller.poll(0);
        Future<?> parked = owner.submit(() -> {
            poller.poll(-1);
            return null;
        });
        for (int i = 0; i < 1_000 && !poller.isParked(); i++) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        // The JDK closes a channel closed while registered when its selector drops the key,
        // which a select blocked forever would never do without the close's wake-up.
        reg.close();
        p[1].close();
        p[0].close();
        OpenDescriptors.awaitNoLeakSince(beforePair, "a socket closed while its owner is parked");
        assertTrue(reg.isClosed());
        poller.wakeup();
        parked.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aConnectSettledSetsBothDirectionsAndTheFirstReadReArmsRead() throws Exception {
        SocketChannel client = SocketChannel.open();
        opened.add(client);
        client.configureBlocking(false);
        client.connect(listener.getLocalAddress());
        Registration reg = poller.register(client);
        CountingWaker w = new CountingWaker();
        for (int i = 0; i < 1_000 && reg.pollWriteReady(w.cx) == Registration.NOT_READY; i++) {
            poller.poll(10_000_000L);
        }
        assertEquals(Registration.READABLE | Registration.WRITABLE, reg.readinessBits());
        assertTrue(client.finishConnect());
        SocketChannel server = listener.accept();
        opened.add(server);
        long tick = reg.pollReadReady(w.cx);
        assertEquals(0, client.read(ByteBuffer.allocateDirect(16)), "nothing came yet: a stale report");
        reg.clearReadReady(tick);
        send(server, 3);
        awaitReadable(reg, w);
        reg.close();
    }

    @Test
    void aRefusedConnectIsReportedAndFinishConnectThrows() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = (InetSocketAddress) probe.getLocalAddress();
        }
        SocketChannel client = SocketChannel.open();
        opened.add(client);
        client.configureBlocking(false);
        client.connect(closedPort);
        Registration reg = poller.register(client);
        CountingWaker w = new CountingWaker();
        for (int i = 0; i < 1_000 && reg.pollWriteReady(w.cx) == Registration.NOT_READY; i++) {
            poller.poll(10_000_000L);
        }
        assertThrows(ConnectException.class, client::finishConnect);
        reg.close();
    }

    @Test
    void atMost128KeysAreHandledPerPollAndTheRestOnTheNext() throws IOException {
        List<Registration> regs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            DatagramChannel d = DatagramChannel.open();
            opened.add(d);
            d.configureBlocking(false);
            regs.add(poller.register(d)); // writable at once
        }
        assertEquals(128, poller.poll(0));
        assertEquals(72, poller.poll(0), "the keys passed over are reported on the next select");
        assertEquals(0, poller.poll(0));
        CountingWaker w = new CountingWaker();
        for (Registration r : regs) {
            assertTrue(r.pollWriteReady(w.cx) >= 0, r + " is writable");
            r.close();
        }
    }

    @Test
    void registeringChecksTheChannelAndClosingThePollerClosesItsRegistrations() throws IOException {
        SocketChannel[] p = pair();
        SocketChannel blocking = SocketChannel.open();
        opened.add(blocking);
        assertThrows(IllegalArgumentException.class, () -> poller.register(blocking));
        Registration reg = poller.register(p[1]);
        CountingWaker w = new CountingWaker();
        assertEquals(Registration.NOT_READY, reg.pollReadReady(w.cx));
        assertEquals(1, poller.registrations());
        poller.close();
        assertTrue(reg.isClosed());
        assertEquals(1, w.count(), "the waiting reader was woken by the close");
        assertEquals(Registration.CLOSED, reg.pollReadReady(w.cx));
        assertThrows(ClosedChannelException.class, () -> poller.register(p[1]));
        assertThrows(ClosedChannelException.class, () -> poller.poll(0));
    }
}
