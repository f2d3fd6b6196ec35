package dev.weft;

import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The slow-poll watchdog names a task whose single poll blocks its worker past the threshold,
 * once per poll, with the worker's stack, and counts it; short polls and parked workers are never
 * reported; its thread lives exactly as long as the runtime.
 */
class SlowPollWatchdogTest {

    @Test
    void aPollBlockingPastTheThresholdIsReportedOnceWithTheBlockingFrame() {
        List<SlowPoll> reports = new CopyOnWriteArrayList<>();
        Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-slow-").slowPollThreshold(Duration.ofMillis(50))
                .onSlowPoll(reports::add).build();
        try {
            rt.blockOn(new BlockingPoll(300, 0));
        } finally {
            rt.close(); // joins the watchdog: every report it makes is in by now
        }

        assertEquals(1, reports.size(), "one report for the one slow poll: " + reports);
        SlowPoll r = reports.get(0);
        assertTrue(r.task().startsWith(BlockingPoll.class.getName() + ".poll("),
                "the report names the task's poll, where the worker entered its code: " + r.task());
        assertTrue(r.worker().startsWith("weft-slow-worker-"), r.worker());
        assertTrue(r.elapsed().compareTo(Duration.ofMillis(50)) >= 0, "blocked at least the threshold: " + r.elapsed());
        assertTrue(r.stack().stream().anyMatch(f -> f.getClassName().equals(BlockingPoll.class.getName())
                && f.getMethodName().equals("blockInPoll")), "the stack holds the blocking frame: " + r.stack());
        assertEquals(1L, rt.metrics().slowPolls(), "and the runtime counts it");
        assertEquals(0, r.heldBack(), "nothing was queued behind it");
    }

    @Test
    void theReportCountsTheQueuedTasksThatOnlyTheBlockedWorkerCanRun() throws Exception {
        List<SlowPoll> reports = new CopyOnWriteArrayList<>();
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-held-").slowPollThreshold(Duration.ofMillis(50))
                .onSlowPoll(reports::add).build()) {
            // The last of its 5 spawns sits in the blocked worker's LIFO slot; the other 4 are stolen.
            assertEquals(5, rt.blockOn(new BlockingPoll(300, 5)).size());

            // Both workers held while a blocking task and 100 quick ones queue up from outside;
            // released, each worker takes a batch of the shared queue, the blocking task first in
            // one of them: the rest of that batch waits behind it, the other worker runs the rest.
            CountDownLatch held = new CountDownLatch(2);
            CountDownLatch open = new CountDownLatch(1);
            for (int i = 0; i < 2; i++) {
                rt.spawn(cx -> {
                    held.countDown();
                    awaitQuietly(open);
                    return Poll.ready(null);
                });
            }
            assertTrue(held.await(10, TimeUnit.SECONDS), "both workers held");
            JoinHandle<?> blocker = rt.spawn(new BlockingPoll(300, 0));
            AtomicInteger quickRan = new AtomicInteger();
            List<JoinHandle<Object>> quick = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                quick.add(rt.spawn(cx -> {
                    quickRan.incrementAndGet();
                    return Poll.ready(null);
                }));
            }
            open.countDown();
            rt.blockOn(blocker);
            for (JoinHandle<Object> h : quick) {
                rt.blockOn(h);
            }
            assertEquals(100, quickRan.get());
        }
        // (Only BlockingPoll's reports: on a loaded machine the two holders may be slow polls too.)
        List<SlowPoll> blocking = reports.stream().filter(r -> r.task().startsWith(BlockingPoll.class.getName())).toList();
        assertEquals(2, blocking.size(), "one report per blocking poll: " + reports);
        assertEquals(1, blocking.get(0).heldBack(), "the first one's LIFO slot task waited behind it");
        int heldBack = blocking.get(1).heldBack();
        assertTrue(heldBack > 1 && heldBack < 100, "more than a LIFO slot (the rest of a batch) and not all: " + heldBack);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void manyShortPollsAndParkedWorkersAreNeverReported() {
        List<SlowPoll> reports = new CopyOnWriteArrayList<>();
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-fast-").onSlowPoll(reports::add).build()) {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                hs.add(rt.spawn(new RuntimeMXBeanTest.Yielder(500)));
            }
            hs.forEach(h -> assertEquals(1, rt.blockOn(h)));
            rt.blockOn(Weft.sleep(Duration.ofMillis(300))); // every worker parked, three thresholds long
            assertTrue(rt.metrics().polls() > 200 * 500, "the short polls ran");
            assertEquals(0L, rt.metrics().slowPolls());
        }
        assertEquals(List.of(), reports, "no poll blocked for the default 100 ms");
    }

    @Test
    void aThrowingCallbackDoesNotStopTheWatchdog() {
        AtomicInteger calls = new AtomicInteger();
        try (Runtime rt = Runtime.builder().workers(1).threadNamePrefix("weft-slow-throw-")
                .slowPollThreshold(Duration.ofMillis(40)).onSlowPoll(r -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("a careless callback");
                }).build()) {
            rt.blockOn(new BlockingPoll(200, 0));
            rt.blockOn(new BlockingPoll(200, 0));
            assertEquals(List.of("weft-slow-throw-watchdog"), ShutdownTest.liveThreads("weft-slow-throw-watchdog"));
            assertEquals(2L, rt.metrics().slowPolls(), "both polls reported");
        }
        assertEquals(2, calls.get(), "the callback was called for the second poll too");
    }

    @Test
    void theWatchdogThreadLivesAsLongAsTheRuntime() {
        Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-watchdog-life-").build();
        assertEquals(List.of("weft-watchdog-life-watchdog"), ShutdownTest.liveThreads("weft-watchdog-life-watchdog"),
                "one watchdog per runtime, named with its prefix");
        assertTrue(rt.shutdown(Duration.ofSeconds(10)));
        assertEquals(List.of(), ShutdownTest.liveThreads("weft-watchdog-life-"), "no Weft thread is left");

        try (Runtime off = Runtime.builder().workers(1).threadNamePrefix("weft-watchdog-off-")
                .slowPollThreshold(Duration.ZERO).build()) {
            assertEquals(List.of(), ShutdownTest.liveThreads("weft-watchdog-off-watchdog"), "threshold zero: no watchdog");
            assertEquals(0L, off.metrics().slowPolls());
        }
    }

    @Test
    void badSettingsAreRefusedUpFront() {
        Runtime.Builder b = Runtime.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.slowPollThreshold(Duration.ofMillis(-5)));
        assertTrue(e.getMessage().contains("PT-0.005S"), e.getMessage());
        assertThrows(NullPointerException.class, () -> b.onSlowPoll(null));
    }
}
