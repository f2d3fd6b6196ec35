package dev.weft.time;

import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sleep on a runtime: paused time for the behaviour, one real-clock check of "never early". */
class SleepTest {
    static final long MS = 1_000_000L;

    static Runtime paused(int workers) {
        return Runtime.builder().workers(workers).startPaused(true).build();
    }

    @Test
    void anHourLongSleepOnPausedTimeCompletesWhenTheIdleRuntimeJumpsToItsDeadline() {
        try (Runtime rt = paused(2)) {
            long woke = rt.blockOn(Weft.sleep(Duration.ofHours(1)).map(v -> Runtime.current().nanoTime()));
            assertEquals(Duration.ofHours(1).toNanos(), woke, "time jumped exactly to the deadline");
            assertEquals(1, rt.metrics().timersFired());
        }
    }

    @Test
    void sleepsOnManyTasksWakeInDeadlineOrder() throws Exception {
        try (Runtime rt = paused(2)) {
            int n = 200;
            java.util.List<JoinHandle<Long>> hs = new java.util.ArrayList<>();
            for (int i = n; i >= 1; i--) {
                long d = i * 7L % 101 + 1; // scrambled deadlines 1..101 ms, with repeats
                hs.add(rt.spawn(Async.ready(d).flatMap(ms -> Weft.sleep(Duration.ofMillis(ms))
                        .map(v -> Runtime.current().nanoTime() - ms * MS))));
            }
            for (JoinHandle<Long> h : hs) {
                long late = h.join();
                assertTrue(late >= 0, "never early (woke " + late + " ns after its deadline)");
            }
            assertEquals(n, rt.metrics().timersFired());
        }
    }

    @Test
    void zeroAndNegativeDurationsAreReadyAtOnceWithoutATimer() {
        try (Runtime rt = paused(1)) {
            rt.blockOn(Sleep.after(Duration.ZERO));
            rt.blockOn(Sleep.after(Duration.ofMillis(-5)));
            rt.blockOn(Sleep.until(-1));
            assertEquals(0, rt.nanoTime(), "time did not move");
            assertEquals(0, rt.metrics().timersFired(), "no wheel was touched");
        }
    }

    @Test
    void aSleepOfTheWheelSpanAndOneOfLongMaxValueNanosBothCompleteNeverEarly() {
        try (Runtime rt = paused(1)) {
            long span = Duration.ofMillis(1L << 36).toNanos();
            rt.blockOn(Sleep.after(Duration.ofMillis(1L << 36)));
            assertEquals(span, rt.nanoTime());
            long start = rt.nanoTime();
            rt.blockOn(Sleep.after(Duration.ofNanos(Long.MAX_VALUE)));
            assertEquals(Long.MAX_VALUE, rt.nanoTime(), "saturated, not overflowed (start " + start + ")");
            rt.blockOn(Sleep.after(Duration.ofSeconds(Long.MAX_VALUE)));
            assertEquals(Long.MAX_VALUE, rt.nanoTime());
        }
    }

    @Test
    void advanceMovesPausedTimeAndSleepsMeasureFromThere() {
        try (Runtime rt = paused(1)) {
            assertEquals(0, rt.nanoTime());
            rt.advance(Duration.ofMinutes(5));
            assertEquals(Duration.ofMinutes(5).toNanos(), rt.nanoTime());
            long woke = rt.blockOn(Async.ready(0).flatMap(x -> Weft.sleep(Duration.ofMinutes(1)))
                    .map(v -> Runtime.current().nanoTime()));
            assertEquals(Duration.ofMinutes(6).toNanos(), woke);
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> rt.advance(Duration.ofMillis(-1)));
            assertTrue(neg.getMessage().contains("negative"), neg.getMessage());
        }
        try (Runtime real = Runtime.builder().workers(1).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> real.advance(Duration.ofMillis(1)));
            assertTrue(e.getMessage().contains("startPaused"), e.getMessage());
        }
    }

    @Test
    void abortingASleepingTaskFromAnotherThreadReleasesItsTimerEntry() throws Exception {
        try (Runtime rt = Runtime.builder().workers(2).build()) { // real clock: nothing jumps ahead
            JoinHandle<Void> h = rt.spawn(Sleep.after(Duration.ofHours(1)));
            awaitTrue(() -> rt.metrics().timersPending() == 1, "the sleep registered");
            h.abort();
            assertThrows(CancellationException.class, h::join);
            awaitTrue(() -> rt.metrics().timersPending() == 0, "the owner unlinked the cancelled entry");
            assertEquals(0, rt.metrics().timersFired());
        }
    }

    @Test
    void aSleepPolledOffTheWorkersRegistersThroughAWorkersInbox() throws Exception {
        try (Runtime rt = paused(2)) {
            Sleep s = rt.blockOn(Async.ready(0).map(x -> Sleep.after(Duration.ofMillis(30)))); // created on a worker
            java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
            dev.weft.task.Context cx = dev.weft.task.Context.of(woken::countDown);
            assertTrue(s.poll(cx).isPending(), "polled on the test thread: handed to a worker");
            awaitTrue(() -> rt.metrics().timersPending() == 1 || woken.getCount() == 0, "registered");
            rt.advance(Duration.ofMillis(30));
            assertTrue(woken.await(10, java.util.concurrent.TimeUnit.SECONDS), "the worker's wheel woke the outside poller");
            assertTrue(s.poll(cx).isReady());
        }
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> Sleep.after(Duration.ofMillis(1)).poll(dev.weft.task.Context.of(() -> { })));
        assertTrue(outside.getMessage().contains("outside a Weft runtime"), outside.getMessage());
    }

    @Test
    void aSleepCreatedOnAWorkerTrustsThatClockReadingAtItsFirstPollAndStillNeverCompletesEarly() throws Exception {
        try (Runtime rt = paused(1)) {
            Sleep s = rt.blockOn(Async.ready(0).map(x -> Sleep.after(Duration.ofMillis(10)))); // deadline 10 ms, read once
            rt.advance(Duration.ofMillis(20)); // the deadline passes before the first poll
            long woke = rt.spawn(s.map(v -> Runtime.current().nanoTime())).join();
            assertTrue(woke >= 10 * MS, "never early: " + woke);
            // Its first poll read no clock: it registered, and the wheel found it due and fired it.
            assertEquals(1, rt.metrics().timersFired());
        }
    }

    @Test
    void aFiftyMillisecondSleepOnTheRealClockNeverWakesEarly() {
        try (Runtime rt = Runtime.builder().workers(1).build()) {
            long t0 = System.nanoTime();
            rt.blockOn(Weft.sleep(Duration.ofMillis(50)));
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed >= 50 * MS, "woke after " + elapsed + " ns");
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000 * MS;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(1);
        }
    }
}
