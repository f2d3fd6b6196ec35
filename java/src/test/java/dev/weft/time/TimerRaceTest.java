package dev.weft.time;

import dev.weft.Runtime;
import dev.weft.scheduler.Worker;
import dev.weft.task.Async;
import dev.weft.timer.TimerDriver;
import dev.weft.timer.TimerEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancel racing fire on a live runtime: from the owning worker and from other threads. */
class TimerRaceTest {

    @Test
    void cancelsFromTheOwnerAndFromOtherThreadsRacingTheFireHaveExactlyOneOutcomeEach() throws Exception {
        int n = 4_000;
        try (Runtime rt = SleepTest.paused(2)) {
            AtomicIntegerArray wakes = new AtomicIntegerArray(n);
            TimerEntry[] entries = new TimerEntry[n];
            // Register every entry on one worker's wheel, deadlines spread over 1..40 ms.
            Worker owner = rt.blockOn(Async.ready(0).map(x -> {
                Worker w = Worker.current();
                long now = w.timers().clock().nanoTime();
                for (int i = 0; i < n; i++) {
                    final int id = i;
                    entries[i] = new TimerEntry(() -> wakes.incrementAndGet(id));
                    assertTrue(w.timers().register(entries[i], now + (i % 40 + 1) * 1_000_000L));
                }
                return w;
            }));
            TimerDriver driver = owner.timers();
            AtomicIntegerArray cancelled = new AtomicIntegerArray(n);
            CountDownLatch ownerDone = new CountDownLatch(n / 2);
            Thread advancer = new Thread(() -> {
                for (int t = 0; t < 45; t++) {
                    rt.advance(Duration.ofMillis(1));
                    Thread.yield();
                }
            });
            Thread remote = new Thread(() -> {
                for (int i = 0; i < n; i += 2) {
                    cancelled.set(i, driver.cancel(entries[i]) ? 1 : 0);
                }
            });
            advancer.start();
            remote.start();
            for (int i = 1; i < n; i += 2) {
                final int id = i;
                owner.runOnOwner(() -> {
                    cancelled.set(id, driver.cancel(entries[id]) ? 1 : 0);
                    ownerDone.countDown();
                });
            }
            remote.join();
            advancer.join();
            assertTrue(ownerDone.await(10, TimeUnit.SECONDS));
            rt.advance(Duration.ofMillis(100)); // everything not cancelled is due now
            SleepTest.awaitTrue(() -> rt.metrics().timersPending() == 0, "every entry fired or was unlinked");
            int fired = 0;
            int cancels = 0;
            for (int i = 0; i < n; i++) {
                int outcome = wakes.get(i) + cancelled.get(i);
                assertEquals(1, outcome, "entry " + i + ": woken " + wakes.get(i) + " times, cancel won: " + cancelled.get(i));
                assertTrue(entries[i].isFired() == (wakes.get(i) == 1) && entries[i].isCancelled() == (cancelled.get(i) == 1));
                fired += wakes.get(i);
                cancels += cancelled.get(i);
            }
            assertEquals(n, fired + cancels);
            assertEquals(fired, rt.metrics().timersFired());
        }
    }

    @Test
    void aWorkerWithNoTimersAndNoIoParksWithNoTimeout() throws Exception {
        for (boolean paused : new boolean[] {false, true}) {
            try (Runtime rt = Runtime.builder().workers(1).startPaused(paused).build()) {
                rt.blockOn(Async.ready(1));
                assertQuiet(rt, "idle runtime, paused=" + paused);
            }
        }
        // A far timer on the real clock: the park's timeout is the timer's (an hour), not a tick.
        try (Runtime rt = Runtime.builder().workers(1).build()) {
            rt.spawn(Sleep.after(Duration.ofHours(1)));
            SleepTest.awaitTrue(() -> rt.metrics().timersPending() == 1, "registered");
            assertQuiet(rt, "one far timer");
        }
    }

    /** Parks stop counting once the worker settles: nothing wakes it (no timeout, no tick). */
    private static void assertQuiet(Runtime rt, String what) throws InterruptedException {
        Thread.sleep(50); // let it settle into its park
        long before = rt.metrics().parks();
        Thread.sleep(200);
        long after = rt.metrics().parks();
        assertEquals(before, after, what + ": the worker woke " + (after - before) + " times while idle");
        assertTrue(before >= 1, what + ": it parked");
    }
}
