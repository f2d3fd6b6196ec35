package dev.weft;

import dev.weft.scheduler.Worker;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class RuntimeBehaviourTest {
    private Runtime rt;

    @BeforeEach
    void start() {
        rt = Runtime.builder().workers(2).threadNamePrefix("weft-test-").build();
    }

    @AfterEach
    void stop() {
        assertTrue(rt.shutdown(Duration.ofSeconds(10)), "runtime stops cleanly");
    }

    @Test
    void blockOnFromPlainThreadReturnsTheValue() {
        int v = rt.blockOn(Async.ready(20).map(x -> x + 22));
        assertEquals(42, v);
    }

    @Test
    void spawnFromOutsideAndInsideBothRun() throws Exception {
        JoinHandle<Integer> outer = rt.spawn(cx -> Poll.ready(1));
        int inner = rt.blockOn(Async.ready(0).flatMap(x -> {
            assertNotNull(Worker.current(), "a task runs on a worker");
            return Weft.spawn(cx -> Poll.ready(2));
        }));
        assertEquals(1, outer.join());
        assertEquals(2, inner);
    }

    @Test
    void joinWithTimeoutTimesOutAndLeavesTheTaskRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawn(Async.from(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "late";
        })));
        assertThrows(TimeoutException.class, () -> h.join(Duration.ofMillis(50)));
        assertFalse(h.isDone());
        release.countDown();
        assertEquals("late", h.join(Duration.ofSeconds(10)));
    }

    @Test
    void anExceptionReachesTheHandleAndTheRuntimeGoesOn() throws Exception {
        JoinHandle<Object> h = rt.spawn(cx -> {
            throw new IllegalArgumentException("boom");
        });
        CompletionException e = assertThrows(CompletionException.class, h::join);
        assertEquals("boom", e.getCause().getMessage());
        assertTrue(h.toCompletableFuture().isCompletedExceptionally());
        int seven = rt.blockOn(Async.ready(7));
        assertEquals(7, seven);
    }

    @Test
    void awaitingAFailedHandleFromATaskPropagatesTheFailure() {
        CompletionException e = assertThrows(CompletionException.class, () -> rt.blockOn(
                Async.ready(0).flatMap(x -> Weft.spawn(cx -> {
                    throw new IllegalStateException("inner");
                }))));
        // The outer task failed with the inner handle's CompletionException; blockOn wraps it once more.
        assertTrue(e.getCause() instanceof CompletionException);
        assertEquals("inner", e.getCause().getCause().getMessage());
    }

    @Test
    void abortOfAWaitingTaskCancelsItOnce() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        JoinHandle<Object> h = rt.spawn(new Async<>() {
            @Override
            public Poll<Object> poll(dev.weft.task.Context cx) {
                return Poll.pending(); // waits forever: nobody wakes it
            }

            @Override
            public void cancel() {
                cancels.incrementAndGet();
            }
        });
        // let it be polled once
        while (rt.metrics().polls() == 0) {
            Thread.onSpinWait();
        }
        h.abort();
        h.abort();
        assertThrows(CancellationException.class, h::join);
        assertTrue(h.isCancelled());
        assertEquals(1, cancels.get());
        assertTrue(h.toCompletableFuture().isCancelled());
    }

    @Test
    void spawnBlockingNeverRunsOnAWorker() throws Exception {
        List<JoinHandle<Boolean>> hs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hs.add(rt.spawnBlocking(() -> Worker.current() == null));
        }
        hs.add(rt.blockOn(Async.ready(0).map(x -> Weft.spawnBlocking(() -> Worker.current() == null))));
        for (JoinHandle<Boolean> h : hs) {
            assertTrue(h.join(), "blocking job ran off the workers");
        }
    }

    @Test
    void aTaskThatNeverYieldsLetsOthersRunOnceItsBudgetIsSpent() throws Exception {
        try (Runtime one = Runtime.builder().workers(1).threadNamePrefix("weft-test-one-").build()) {
            AtomicBoolean otherRan = new AtomicBoolean();
            // A leaf that is always ready but spends budget, looped until another task has run.
            Async<Void> leaf = cx -> cx.consumeBudget() ? Poll.ready(null) : Poll.pending();
            JoinHandle<Integer> hog = one.spawn(Async.loop(0, n -> otherRan.get(), n -> leaf.map(v -> n + 1)));
            JoinHandle<Void> other = one.spawn(cx -> {
                otherRan.set(true);
                return Poll.ready(null);
            });
            other.join(Duration.ofSeconds(10));
            assertTrue(hog.join(Duration.ofSeconds(10)) >= 128, "the hog made progress before yielding");
            assertTrue(one.metrics().budgetYields() >= 1);
        }
    }

    @Test
    void yieldNowLetsOtherTasksRun() throws Exception {
        try (Runtime one = Runtime.builder().workers(1).threadNamePrefix("weft-test-one-").build()) {
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            Async<Void> b = cx -> {
                order.add("b");
                return Poll.ready(null);
            };
            // a spawns b, then yields: b runs before a resumes, on the same single worker.
            one.blockOn(Async.ready((Void) null).flatMap(v -> {
                order.add("a1");
                Weft.spawn(b);
                return Weft.yieldNow();
            }).map(v -> {
                order.add("a2");
                return null;
            }));
            assertEquals(List.of("a1", "b", "a2"), order);
        }
    }

    @Test
    void weftStaticsOffTheRuntimeSayWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Weft.spawn(Async.ready(1)));
        assertTrue(e.getMessage().contains("not a Weft worker"));
    }

    @Test
    void blockOnFromAWorkerIsRefused() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> rt.blockOn(Async.ready(0).map(x -> rt.blockOn(Async.ready(1)))));
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void spawnAfterCloseIsRefused() {
        rt.close();
        assertThrows(IllegalStateException.class, () -> rt.spawn(Async.ready(1)));
    }

    @Test
    void builderRejectsBadValuesByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Runtime.builder().workers(0));
        assertTrue(e.getMessage().contains("workers"));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().blockingPoolCap(-1));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().budget(0));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().pollerStealAfter(Duration.ZERO));
    }

    @Test
    void joinFromAWorkerIsRefused() throws Exception {
        JoinHandle<Integer> slow = rt.spawn(cx -> Poll.pending());
        CompletionException e = assertThrows(CompletionException.class,
                () -> rt.blockOn(Async.ready(0).map(x -> {
                    try {
                        return slow.join(Duration.ofSeconds(1));
                    } catch (Exception ex) {
                        throw new IllegalStateException("unexpected", ex);
                    }
                })));
        assertTrue(e.getCause() instanceof IllegalStateException);
        slow.abort();
        assertTrue(slow.toCompletableFuture().isCancelled());
        assertTrue(TimeUnit.SECONDS.toNanos(1) > 0);
    }
}
