package dev.weft;

import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A worker that ran out of work spins before it parks (Runtime.Builder#spinBeforePark). Each
 * runtime here spins for an hour, so a test passes only if the spinning worker itself does what
 * a parked one would: serve its sockets and timers, take queued work, and stop at shutdown.
 */
class SpinBeforeParkTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private static Runtime spinningRuntime(int workers) {
        return Runtime.builder().workers(workers).threadNamePrefix("weft-spin-").spinBeforePark(HOUR).build();
    }

    @Test
    void aSpinningWorkerServesItsOwnSockets() throws Exception {
        try (Runtime rt = spinningRuntime(1)) {
            assumeTrue(rt.metrics().backend().startsWith("epoll"), "needs an epoll backend, have " + rt.backend());
            var waiter = new EpollPollerStealingTest.EventfdWaiter(new AtomicBoolean());
            JoinHandle<Long> h = rt.spawn(waiter);
            waiter.registered.await(); // polled once: the only worker now spins, with the eventfd registered
            try {
                assertTrue(waiter.sys.eventfdWrite(waiter.efd, 3) >= 0);
                assertEquals(3L, h.join(Duration.ofSeconds(10)), "the spinning worker saw its eventfd");
            } finally {
                waiter.reg.close();
                waiter.sys.close(waiter.efd);
            }
        }
    }

    @Test
    void aSpinningWorkerFiresItsTimers() throws Exception {
        try (Runtime rt = spinningRuntime(1)) {
            JoinHandle<Void> slept = rt.spawn(Weft.sleep(Duration.ofMillis(20)));
            assertNull(slept.join(Duration.ofSeconds(10)), "the spinning worker fired its timer");
        }
    }

    @Test
    void tasksQueuedWhileAWorkerSpinsRunWithoutAPark() throws Exception {
        try (Runtime rt = spinningRuntime(1)) {
            assertEquals(1, rt.spawn(cx -> Poll.ready(1)).join(Duration.ofSeconds(10)));
            long parks = rt.metrics().parks();
            for (int i = 0; i < 100; i++) {
                int n = i;
                assertEquals(n, rt.spawn(cx -> Poll.ready(n)).join(Duration.ofSeconds(10)));
            }
            assertEquals(parks, rt.metrics().parks(), "every task was found by the spinning worker");
        }
    }

    @Test
    void shutdownStopsSpinningWorkers() throws Exception {
        Runtime rt = spinningRuntime(2);
        for (int i = 0; i < 10; i++) {
            rt.spawn(cx -> Poll.ready(null)).join(Duration.ofSeconds(10));
        }
        assertTrue(rt.shutdown(Duration.ofSeconds(10)), "every worker stopped within the timeout");
    }

    @Test
    void spinBeforeParkRejectsANegativeDuration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Runtime.builder().spinBeforePark(Duration.ofNanos(-1)));
        assertTrue(e.getMessage().contains("spin before park"), e.getMessage());
    }
}
