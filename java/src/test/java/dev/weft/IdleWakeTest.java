package dev.weft;

import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How many workers a task wakes in an idle runtime: the counts come from the runtime's metrics
 * (a park is counted when it begins, an unpark when a worker returns from a park because work
 * was announced to it). No spinning and no poller watch timeouts here, so nothing else wakes a
 * worker.
 */
class IdleWakeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private static Runtime idleRuntime(int workers) {
        return Runtime.builder().workers(workers).threadNamePrefix("weft-idle-wake-")
                .spinBeforePark(Duration.ZERO).pollerStealAfter(Duration.ofHours(1)).build();
    }

    /** Waits until {@code count} reaches {@code atLeast}, failing after the deadline. */
    private static void awaitAtLeast(LongSupplier count, long atLeast, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (count.getAsLong() < atLeast) {
            if (System.nanoTime() - end > 0) {
                fail(what + ": " + count.getAsLong() + " < " + atLeast + " after " + DEADLINE);
            }
            Thread.sleep(1);
        }
    }

    /** Waits until every worker has parked once (and so is parked: nothing else wakes one here). */
    private static void awaitEveryWorkerParked(Runtime rt) throws InterruptedException {
        for (int w = 0; w < rt.metrics().workers().size(); w++) {
            int index = w;
            awaitAtLeast(() -> rt.metrics().workers().get(index).parks(), 1, "worker " + w + " parked");
        }
    }

    @Test
    void aLoneTaskWakesOneWorkerOnly() throws Exception {
        try (Runtime rt = idleRuntime(2)) {
            awaitEveryWorkerParked(rt);
            long parks = rt.metrics().parks();
            long unparks = rt.metrics().unparks();

            assertEquals(7, rt.spawn(cx -> Poll.ready(7)).join(DEADLINE));
            awaitAtLeast(() -> rt.metrics().parks(), parks + 1, "the woken worker parked again");
            Thread.sleep(50); // room for a needless second wake to show up in the counts

            assertEquals(unparks + 1, rt.metrics().unparks(), "one worker was woken for the task");
            assertEquals(parks + 1, rt.metrics().parks(), "and no other worker woke up");
        }
    }

    @Test
    void aWorkerThatFindsMoreQueuedWorkWakesAnother() throws Exception {
        try (Runtime rt = idleRuntime(2)) {
            awaitEveryWorkerParked(rt);
            long unparks = rt.metrics().unparks();
            var gate = new CountDownLatch(1);
            // The first task holds its worker; the second, queued behind it, needs the other worker.
            var holder = rt.spawn(cx -> {
                gate.await();
                return Poll.ready(1);
            });
            var second = rt.spawn(cx -> Poll.ready(2));
            assertEquals(2, second.join(DEADLINE), "the queued task ran while the first held its worker");
            gate.countDown();
            assertEquals(1, holder.join(DEADLINE));
            assertTrue(rt.metrics().unparks() >= unparks + 2, "both workers were woken");
        }
    }
}
