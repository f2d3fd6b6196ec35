package dev.weft.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sys.JnrSyscalls;
import dev.weft.sys.OpenDescriptors;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The readiness protocol of {@link Registration}, driven by synthetic events (the poller's
 * dispatcher) on an eventfd, so no socket timing is involved.
 */
class RegistrationTest {
    private EpollPoller poller;
    private int fd;
    private Registration reg;
    private int in;
    private int out;
    private int rdhup;

    private OpenDescriptors baselineFds;

    @BeforeEach
    void open() throws IOException {
        JnrSyscalls sys = JnrSyscalls.load(); // loading the binding leaves one socket open for good (seen in /proc/self/fd): not ours
        baselineFds = OpenDescriptors.snapshot();
        poller = new EpollPoller(sys);
        fd = sys.eventfd(0, sys.abi().EFD_NONBLOCK | sys.abi().EFD_CLOEXEC);
        reg = poller.register(fd);
        in = sys.abi().EPOLLIN;
        out = sys.abi().EPOLLOUT;
        rdhup = sys.abi().EPOLLRDHUP;
        poller.poll(0); // the eventfd is writable: drain that first event
    }

    @AfterEach
    void close() {
        reg.close();
        JnrSyscalls.load().close(fd);
        poller.close();
        OpenDescriptors.assertNoLeakSince(baselineFds, "after this test");
    }

    @Test
    void aClearUnderTheCurrentTickForgetsReadiness() {
        CountingWaker w = new CountingWaker();
        assertEquals(Registration.NOT_READY, reg.pollReadReady(w.cx));
        poller.dispatchForTest(reg.token(), in);
        assertEquals(1, w.count());
        long tick = reg.pollReadReady(w.cx);
        assertTrue(tick >= 0);
        reg.clearReadReady(tick);
        assertEquals(Registration.NOT_READY, reg.pollReadReady(w.cx));
    }

    @Test
    void anEventBetweenTheSyscallAndTheClearIsNotLost() {
        CountingWaker w = new CountingWaker();
        poller.dispatchForTest(reg.token(), in);
        long tick = reg.pollReadReady(w.cx);
        poller.dispatchForTest(reg.token(), in); // lands while the "read" is in flight
        reg.clearReadReady(tick); // stale tick: ignored
        long newer = reg.pollReadReady(w.cx);
        assertEquals(tick + 1, newer);
        reg.clearReadReady(newer);
        assertEquals(Registration.NOT_READY, reg.pollReadReady(w.cx));
    }

    @Test
    void readAndWriteReadinessAreIndependent() {
        CountingWaker r = new CountingWaker();
        CountingWaker w = new CountingWaker();
        reg.pollReadReady(r.cx);
        long wt = reg.pollWriteReady(w.cx);
        reg.clearWriteReady(wt);
        assertEquals(Registration.NOT_READY, reg.pollWriteReady(w.cx));
        poller.dispatchForTest(reg.token(), out);
        assertEquals(0, r.count(), "a writable edge does not wake the reader");
        assertEquals(1, w.count());
        assertEquals(Registration.NOT_READY, reg.pollReadReady(r.cx));
    }

    @Test
    void aPeerHalfCloseStaysReadableThroughClears() {
        CountingWaker w = new CountingWaker();
        poller.dispatchForTest(reg.token(), in | rdhup);
        long tick = reg.pollReadReady(w.cx);
        reg.clearReadReady(tick);
        assertTrue(reg.pollReadReady(w.cx) >= 0, "end of stream must stay visible");
    }

    @Test
    void aWakerIsWokenOncePerStoredPoll() {
        CountingWaker w = new CountingWaker();
        reg.pollReadReady(w.cx);
        reg.clearReadReady(reg.pollReadReady(w.cx));
        poller.dispatchForTest(reg.token(), in);
        poller.dispatchForTest(reg.token(), in);
        assertEquals(1, w.count(), "the slot is emptied by the first wake");
    }

    @Test
    void closingTheRegistrationFreesItsSlotAndBumpsTheGeneration() throws IOException {
        long old = reg.token();
        int registered = poller.registrations();
        reg.close();
        assertEquals(registered - 1, poller.registrations());
        reg = poller.register(fd);
        assertEquals((int) old, (int) reg.token());
        assertEquals((old >>> 32) + 1, reg.token() >>> 32);
    }

    @Test
    void aPollerMayHaveEventsExactlyWhileSomethingIsRegistered() throws IOException {
        assertTrue(poller.mayHaveEvents(), "the eventfd is registered");
        reg.close();
        assertEquals(0, poller.registrations());
        assertFalse(poller.mayHaveEvents(), "nothing registered: a poll could only see a wake-up");
        reg = poller.register(fd);
        assertTrue(poller.mayHaveEvents());
    }

    @Test
    void closingThePollerClosesItsRegistrations() {
        CountingWaker w = new CountingWaker();
        reg.pollReadReady(w.cx);
        poller.close();
        assertEquals(1, w.count());
        assertEquals(Registration.CLOSED, reg.pollReadReady(w.cx));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> poller.register(fd));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> poller.poll(0));
    }

    @Test
    void timeoutsRoundUpToWholeMilliseconds() {
        assertEquals(-1, EpollPoller.toMillis(-5));
        assertEquals(0, EpollPoller.toMillis(0));
        assertEquals(1, EpollPoller.toMillis(1));
        assertEquals(1, EpollPoller.toMillis(999_999));
        assertEquals(1, EpollPoller.toMillis(1_000_000));
        assertEquals(2, EpollPoller.toMillis(1_000_001));
        assertEquals(Integer.MAX_VALUE, EpollPoller.toMillis(Long.MAX_VALUE));
    }
}
