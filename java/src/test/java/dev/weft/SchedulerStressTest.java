package dev.weft;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import dev.weft.task.Waker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Randomized stress with invariants; each test is bounded in count and stops by itself. */
class SchedulerStressTest {

    @Test
    void aMillionTasksFromOutsideThreadsAndFromTasksEachRunExactlyOnce() throws Exception {
        final int outsideThreads = 4;
        final int perThread = 125_000; // each spawns one child from inside: 1,000,000 tasks in all
        final int total = outsideThreads * perThread * 2;
        AtomicIntegerArray runs = new AtomicIntegerArray(total);
        CountDownLatch allRan = new CountDownLatch(1);
        AtomicInteger left = new AtomicInteger(total);
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-stress-").build()) {
            List<Thread> spawners = new ArrayList<>();
            for (int t = 0; t < outsideThreads; t++) {
                final int base = t * perThread * 2;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        final int id = base + 2 * i;
                        rt.spawn(cx -> {
                            runs.incrementAndGet(id);
                            Weft.spawn(cx2 -> {
                                runs.incrementAndGet(id + 1);
                                if (left.decrementAndGet() == 0) {
                                    allRan.countDown();
                                }
                                return Poll.ready(null);
                            });
                            if (left.decrementAndGet() == 0) {
                                allRan.countDown();
                            }
                            return Poll.ready(null);
                        });
                    }
                }, "stress-spawner-" + t);
                spawners.add(th);
                th.start();
            }
            for (Thread th : spawners) {
                th.join();
            }
            assertTrue(allRan.await(60, TimeUnit.SECONDS), "all tasks ran; left=" + left.get());
            RuntimeMetrics m = rt.metrics();
            assertTrue(m.polls() >= total, "polls >= tasks run: " + m);
        }
        for (int i = 0; i < total; i++) {
            if (runs.get(i) != 1) {
                fail("task " + i + " ran " + runs.get(i) + " times");
            }
        }
    }

    @Test
    void aWakeRacingARunningPollIsNeverLost() throws Exception {
        final long target = 2_000_000;
        AtomicLong produced = new AtomicLong();
        AtomicReference<Waker> waker = new AtomicReference<>();
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-wake-").build()) {
            // Ready only once it has seen every increment: a lost wake leaves it pending forever.
            JoinHandle<Long> consumer = rt.spawn(cx -> {
                waker.set(cx.waker());
                long seen = produced.get();
                return seen >= target ? Poll.ready(seen) : Poll.pending();
            });
            while (waker.get() == null) {
                Thread.onSpinWait();
            }
            // Producers: two plain threads and one task on the runtime, all waking concurrently.
            Runnable produce = () -> {
                Waker w = waker.get();
                for (long n; (n = produced.incrementAndGet()) <= target; ) {
                    w.wake();
                }
                w.wake();
            };
            Thread a = new Thread(produce, "waker-a");
            Thread b = new Thread(produce, "waker-b");
            a.start();
            b.start();
            JoinHandle<Object> inside = rt.spawn(new Async<>() {
                @Override
                public Poll<Object> poll(Context cx) {
                    Waker w = waker.get();
                    for (int i = 0; i < 1000; i++) {
                        if (produced.incrementAndGet() > target) {
                            w.wake();
                            return Poll.ready(null);
                        }
                        w.wake();
                    }
                    cx.deferWake();
                    return Poll.pending();
                }
            });
            a.join();
            b.join();
            inside.join(Duration.ofSeconds(60));
            assertTrue(consumer.join(Duration.ofSeconds(60)) >= target);
        }
    }

    @Test
    void abortRacingCompletionYieldsExactlyOneOutcome() throws Exception {
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-abort-").build()) {
            int values = 0;
            int cancelled = 0;
            for (int i = 0; i < 3_000; i++) {
                AtomicBoolean go = new AtomicBoolean();
                AtomicInteger cancels = new AtomicInteger();
                AtomicReference<Waker> w = new AtomicReference<>();
                CountDownLatch polled = new CountDownLatch(1);
                JoinHandle<Integer> h = rt.spawn(new Async<>() {
                    @Override
                    public Poll<Integer> poll(Context cx) {
                        w.set(cx.waker());
                        polled.countDown();
                        return go.get() ? Poll.ready(7) : Poll.pending();
                    }

                    @Override
                    public void cancel() {
                        cancels.incrementAndGet();
                    }
                });
                polled.await();
                Thread completer = new Thread(() -> {
                    go.set(true);
                    w.get().wake();
                });
                completer.start();
                if ((i & 1) == 0) {
                    Thread.onSpinWait();
                }
                h.abort();
                completer.join();
                try {
                    assertEquals(7, h.join(Duration.ofSeconds(10)));
                    assertEquals(0, cancels.get(), "a completed task is not cancelled");
                    assertFalse(h.isCancelled());
                    values++;
                } catch (CancellationException e) {
                    assertEquals(1, cancels.get(), "a cancelled task is cancelled exactly once");
                    assertTrue(h.isCancelled());
                    assertTrue(h.toCompletableFuture().isCancelled());
                    cancelled++;
                }
            }
            assertEquals(3_000, values + cancelled);
            assertTrue(cancelled > 0, "abort won at least sometimes");
        }
    }

    @Test
    void noTaskIsPolledOnTwoWorkersAtOnce() throws Exception {
        final int tasks = 64;
        final int pollsEach = 2_000;
        AtomicInteger violations = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<AtomicReference<Waker>> wakers = new ArrayList<>();
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-excl-").build()) {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                AtomicReference<Waker> wr = new AtomicReference<>();
                wakers.add(wr);
                AtomicBoolean inPoll = new AtomicBoolean();
                hs.add(rt.spawn(new Async<>() {
                    int polls;
                    boolean finished;

                    @Override
                    public Poll<Integer> poll(Context cx) {
                        if (!inPoll.compareAndSet(false, true) || finished) {
                            violations.incrementAndGet();
                        }
                        wr.set(cx.waker());
                        for (int i = 0; i < 50; i++) {
                            Thread.onSpinWait();
                        }
                        cx.waker().wake(); // a wake during our own poll: re-queued after it
                        int n = ++polls;
                        finished = n >= pollsEach;
                        inPoll.set(false);
                        return finished ? Poll.ready(n) : Poll.pending();
                    }
                }));
            }
            // An outside thread keeps waking random tasks, racing the workers' polls.
            Thread noise = new Thread(() -> {
                java.util.Random r = new java.util.Random(1);
                while (!stop.get()) {
                    Waker w = wakers.get(r.nextInt(tasks)).get();
                    if (w != null) {
                        w.wake();
                    }
                }
            }, "wake-noise");
            noise.start();
            try {
                for (JoinHandle<Integer> h : hs) {
                    assertEquals(pollsEach, h.join(Duration.ofSeconds(60)));
                }
            } finally {
                stop.set(true);
                noise.join();
            }
        }
        assertEquals(0, violations.get(), "concurrent or post-completion polls");
    }

    @Test
    void metricsCountStealsPollsAndParksConsistently() throws Exception {
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-metrics-").build()) {
            // Let both workers park, then fill one worker's ring with slow tasks (fewer than it
            // holds, so nothing overflows): the other worker is woken and can only steal.
            final int rounds = 5;
            final int perRound = 200;
            final int n = rounds * perRound;
            for (int r = 0; r < rounds; r++) {
                Thread.sleep(20);
                CountDownLatch done = new CountDownLatch(perRound);
                rt.spawn(Async.ready(0).map(x -> {
                    for (int i = 0; i < perRound; i++) {
                        Weft.spawn(cx -> {
                            long until = System.nanoTime() + 20_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            done.countDown();
                            return Poll.ready(null);
                        });
                    }
                    return null;
                }));
                assertTrue(done.await(60, TimeUnit.SECONDS));
            }
            RuntimeMetrics m = rt.metrics();
            assertTrue(m.polls() >= n + rounds, "every task was polled at least once: " + m);
            assertTrue(m.steals() > 0, "the idle worker stole: " + m);
            assertTrue(m.stolenTasks() >= m.steals(), "each steal moved at least one task: " + m);
            assertTrue(m.parks() > 0, "idle workers parked: " + m);
            assertTrue(m.parks() >= m.unparks(), "each unpark ends a park: " + m);
            assertEquals(2, m.workers().size());
            for (RuntimeMetrics.WorkerMetrics w : m.workers()) {
                assertTrue(w.polls() > 0, "both workers ran tasks: " + m);
            }
        }
    }
}
