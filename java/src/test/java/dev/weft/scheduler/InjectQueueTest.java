package dev.weft.scheduler;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.weft.scheduler.QueueLincheckTest.id;
import static dev.weft.scheduler.QueueLincheckTest.task;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The inject queue: order and lengths on one thread, and under concurrent producers and consumers
 * every task leaves exactly once, also when the queue is closed under them. Small segments make
 * every run cross many segment ends. (Lincheck checks the same operations exhaustively on a few
 * tasks, in {@link QueueLincheckTest}; these runs push hundreds of thousands.)
 */
class InjectQueueTest {

    @Test
    void keepsFifoOrderAcrossSegmentsWhateverTheMixOfPushesAndTakes() {
        InjectQueue q = new InjectQueue(4);
        Task<?>[] ring = new Task<?>[8];
        int next = 0;
        int expect = 0;
        for (int round = 0; round < 50; round++) {
            q.push(task(next++));
            for (int i = 0; i < 5; i++) {
                ring[(round + i) & 7] = task(next++); // a batch that wraps around the ring
            }
            q.pushBatch(ring, round, 5, task(next++));
            assertEquals(next - expect, q.len());
            assertEquals(expect++, id(q.pop()));
            LocalQueue dst = new LocalQueue();
            Task<?> first = q.popInto(3, dst, new InjectQueue.Run());
            assertEquals(expect++, id(first));
            assertEquals(expect++, id(dst.pop()));
            assertEquals(expect++, id(dst.pop()));
            assertNull(dst.pop(), "a batch of 3 returns one and stages two");
        }
        while (expect < next) {
            assertEquals(expect++, id(q.pop()));
        }
        assertNull(q.pop());
        assertTrue(q.isEmpty());
        assertEquals(0, q.len());
    }

    @Test
    void aBatchTakesNoMoreThanTheLocalQueueHasRoomFor() {
        InjectQueue q = new InjectQueue(16);
        for (int i = 0; i < 10; i++) {
            q.push(task(i));
        }
        LocalQueue dst = new LocalQueue();
        InjectQueue overflow = new InjectQueue();
        for (int i = 0; i < LocalQueue.CAPACITY - 2; i++) {
            dst.push(task(-1), overflow);
        }
        assertEquals(0, id(q.popInto(10, dst, new InjectQueue.Run())), "one to run now");
        assertEquals(LocalQueue.CAPACITY, dst.len(), "two more queued: the ring is full");
        assertEquals(0, dst.room());
        assertEquals(7, q.len(), "the rest stays behind");
        assertEquals(0, overflow.len(), "nothing spilled over");
        for (int i = 3; i < 10; i++) {
            assertEquals(i, id(q.pop()));
        }
    }

    @Test
    void rejectsASegmentSizeBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InjectQueue(0));
        assertTrue(e.getMessage().contains("segmentSize"), e.getMessage());
    }

    @Test
    void aRunTakesItsClaimInOrderAcrossSegments() {
        InjectQueue q = new InjectQueue(4);
        for (int i = 0; i < 10; i++) {
            q.push(task(i));
        }
        InjectQueue.Run run = new InjectQueue.Run();
        assertTrue(q.claim(run, 6));
        assertEquals(6, run.size());
        assertEquals(4, q.len(), "the claimed positions left the queue at once");
        for (int i = 0; i < 6; i++) {
            assertEquals(i, id(run.take()));
        }
        assertNull(run.take(), "used up");
        assertTrue(q.claim(run, 100), "a claim takes what there is, up to its maximum");
        assertEquals(4, run.size());
        for (int i = 6; i < 10; i++) {
            assertEquals(i, id(run.take()));
        }
        assertFalse(q.claim(run, 1), "nothing left to claim");
        assertNull(run.take());
    }

    /** Producers push single tasks and batches; consumers pop single tasks, batches and runs. */
    @Test
    void concurrentProducersAndConsumersTakeEveryTaskExactlyOnce() throws Exception {
        int producers = 4;
        int perProducer = 100_000;
        int total = producers * perProducer;
        InjectQueue q = new InjectQueue(8);
        AtomicInteger[] seen = counters(total);
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = producers(q, producers, perProducer, start);
        for (int c = 0; c < 3; c++) {
            int kind = c;
            threads.add(new Thread(() -> {
                await(start);
                LocalQueue dst = new LocalQueue();
                InjectQueue.Run run = new InjectQueue.Run();
                while (taken.get() < total) {
                    Task<?> t = switch (kind) {
                        case 0 -> q.popInto(5, dst, run);
                        case 1 -> q.pop();
                        default -> q.claim(run, 6) ? run.take() : null;
                    };
                    while (t != null) {
                        seen[id(t)].incrementAndGet();
                        taken.incrementAndGet();
                        t = kind == 0 ? dst.pop() : run.take();
                    }
                }
            }, "consumer-" + c));
        }
        runAll(threads, start);
        assertEquals(total, taken.get());
        for (int i = 0; i < total; i++) {
            assertEquals(1, seen[i].get(), "task " + i);
        }
        assertTrue(q.isEmpty());
    }

    /** With one consumer, each producer's tasks come out in the order it pushed them. */
    @Test
    void oneConsumerSeesEachProducersTasksInOrder() throws Exception {
        int producers = 3;
        int perProducer = 100_000;
        InjectQueue q = new InjectQueue(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = producers(q, producers, perProducer, start);
        int[] last = new int[producers];
        java.util.Arrays.fill(last, -1);
        AtomicBoolean inOrder = new AtomicBoolean(true);
        threads.add(new Thread(() -> {
            await(start);
            LocalQueue dst = new LocalQueue();
            InjectQueue.Run run = new InjectQueue.Run();
            for (int got = 0; got < producers * perProducer; ) {
                for (Task<?> t = q.popInto(7, dst, run); t != null; t = dst.pop()) {
                    int id = id(t);
                    int p = id / perProducer;
                    if (id <= last[p]) {
                        inOrder.set(false);
                    }
                    last[p] = id;
                    got++;
                }
            }
        }, "consumer"));
        runAll(threads, start);
        assertTrue(inOrder.get(), "a producer's tasks came out of order");
        for (int p = 0; p < producers; p++) {
            assertEquals((p + 1) * perProducer - 1, last[p]);
        }
    }

    /**
     * Closing under live producers and a consumer loses nothing: a push that finds the queue
     * closed drains it again, as the scheduler does, and every task is taken by the consumer or
     * returned by one of the drains, once.
     */
    @Test
    void closingUnderProducersLosesNoTask() throws Exception {
        for (int round = 0; round < 20; round++) {
            int producers = 3;
            int perProducer = 20_000;
            int total = producers * perProducer;
            InjectQueue q = new InjectQueue(8);
            AtomicInteger[] seen = counters(total);
            AtomicInteger pushed = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.add(new Thread(() -> {
                    await(start);
                    for (int i = 0; i < perProducer; i++) {
                        pushed.incrementAndGet();
                        if (!q.push(task(base + i))) {
                            q.close().forEach(t -> seen[id(t)].incrementAndGet());
                            return;
                        }
                    }
                }, "producer-" + p));
            }
            AtomicBoolean stop = new AtomicBoolean();
            threads.add(new Thread(() -> {
                await(start);
                while (!stop.get()) {
                    Task<?> t = q.pop();
                    if (t != null) {
                        seen[id(t)].incrementAndGet();
                    }
                }
            }, "consumer"));
            threads.add(new Thread(() -> {
                await(start);
                Thread.yield();
                q.close().forEach(t -> seen[id(t)].incrementAndGet());
                stop.set(true);
            }, "closer"));
            runAll(threads, start);
            q.close().forEach(t -> seen[id(t)].incrementAndGet()); // a push after every drain: none may be left
            int accounted = 0;
            for (int i = 0; i < total; i++) {
                int n = seen[i].get();
                assertTrue(n <= 1, "task " + i + " left the queue " + n + " times");
                accounted += n;
            }
            assertEquals(pushed.get(), accounted, "round " + round + ": every pushed task left the queue");
        }
    }

    /** Threads that each push {@code perProducer} numbered tasks (see {@link #produce}) once {@code start} opens. */
    private static List<Thread> producers(InjectQueue q, int producers, int perProducer, CountDownLatch start) {
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads.add(new Thread(() -> {
                await(start);
                produce(q, base, perProducer);
            }, "producer-" + p));
        }
        return threads;
    }

    private static void produce(InjectQueue q, int base, int count) {
        Task<?>[] ring = new Task<?>[4];
        int i = 0;
        while (i < count) {
            if (i % 7 == 0 && count - i >= 4) {
                for (int k = 0; k < 3; k++) {
                    ring[(i + k) & 3] = task(base + i + k);
                }
                q.pushBatch(ring, i, 3, task(base + i + 3));
                i += 4;
            } else {
                q.push(task(base + i));
                i++;
            }
        }
    }

    private static AtomicInteger[] counters(int n) {
        AtomicInteger[] a = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            a[i] = new AtomicInteger();
        }
        return a;
    }

    private static void await(CountDownLatch start) {
        try {
            start.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void runAll(List<Thread> threads, CountDownLatch start) throws InterruptedException {
        List<Throwable> failures = new ArrayList<>();
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            t.setDaemon(true);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
            assertFalse(t.isAlive(), t.getName() + " did not finish within a minute");
        }
        assertTrue(failures.isEmpty(), () -> "thread failed: " + failures);
    }
}
