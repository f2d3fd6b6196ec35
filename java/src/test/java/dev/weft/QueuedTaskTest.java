package dev.weft;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import dev.weft.task.Waker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tasks that wait in a run queue: the queue entry owns the task until a worker takes it, so an
 * abort or a wake that arrives meanwhile is served by that worker. One worker, held in user code
 * by a blocker task, keeps the tasks queued for as long as a test needs.
 */
class QueuedTaskTest {
    private Runtime rt;
    private final CountDownLatch releaseWorker = new CountDownLatch(1);

    @BeforeEach
    void start() {
        rt = Runtime.builder().workers(1).threadNamePrefix("weft-queued-").build();
    }

    @AfterEach
    void stop() {
        releaseWorker.countDown();
        assertTrue(rt.shutdown(Duration.ofSeconds(10)), "runtime stops cleanly");
    }

    /** Occupies the only worker until {@link #releaseWorker} opens; returns once it is occupied. */
    private void holdTheWorker() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        rt.spawn(cx -> {
            held.countDown();
            try {
                assertTrue(releaseWorker.await(30, TimeUnit.SECONDS), "test released the worker");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Poll.ready(null);
        });
        assertTrue(held.await(10, TimeUnit.SECONDS), "blocker started");
    }

    /** Counts its polls and cancels; ready on the poll numbered {@code readyOn} (0: never). */
    static final class Probe implements Async<Integer> {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger cancels = new AtomicInteger();
        final AtomicReference<Waker> waker = new AtomicReference<>();
        final CountDownLatch firstPoll = new CountDownLatch(1);
        final int readyOn;

        Probe(int readyOn) {
            this.readyOn = readyOn;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            int n = polls.incrementAndGet();
            waker.set(cx.waker());
            firstPoll.countDown();
            return n == readyOn ? Poll.ready(n) : Poll.pending();
        }

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }
    }

    @Test
    void anAbortOfATaskStillInARunQueueCancelsItOnceWithoutPollingIt() throws Exception {
        holdTheWorker();
        Probe probe = new Probe(1);
        JoinHandle<Integer> h = rt.spawn(probe); // queued behind the blocker
        h.abort();
        h.abort();
        releaseWorker.countDown();
        assertThrows(CancellationException.class, () -> h.join(Duration.ofSeconds(10)));
        assertTrue(h.isCancelled());
        assertEquals(0, probe.polls.get(), "an aborted queued task is never polled");
        assertEquals(1, probe.cancels.get(), "and is cancelled exactly once");
    }

    @Test
    void manyWakesOfAQueuedTaskFromManyThreadsMakeOnePoll() throws Exception {
        Probe probe = new Probe(2);
        JoinHandle<Integer> h = rt.spawn(probe);
        assertTrue(probe.firstPoll.await(10, TimeUnit.SECONDS));
        holdTheWorker(); // the same worker finished the probe's pending poll first: it is idle now
        Waker w = probe.waker.get();
        List<Thread> wakers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                for (int k = 0; k < 1_000; k++) {
                    w.wake(); // the first queues it; the rest find it already owed a poll
                }
            });
            wakers.add(t);
            t.start();
        }
        for (Thread t : wakers) {
            t.join();
        }
        releaseWorker.countDown();
        assertEquals(2, h.join(Duration.ofSeconds(10)));
        assertEquals(2, probe.polls.get(), "4,000 wakes while queued are served by one poll");
        assertEquals(0, probe.cancels.get());
    }

    @Test
    void aWakeOfAQueuedTaskThatWasAbortedDoesNotRevivePollingIt() throws Exception {
        Probe probe = new Probe(0);
        JoinHandle<Integer> h = rt.spawn(probe);
        assertTrue(probe.firstPoll.await(10, TimeUnit.SECONDS));
        holdTheWorker();
        Waker w = probe.waker.get();
        w.wake(); // queued behind the blocker
        h.abort(); // owned by its entry: the worker cancels it when it takes the entry
        w.wake();
        releaseWorker.countDown();
        assertThrows(CancellationException.class, () -> h.join(Duration.ofSeconds(10)));
        assertEquals(1, probe.polls.get(), "no poll after the abort");
        assertEquals(1, probe.cancels.get());
    }
}
