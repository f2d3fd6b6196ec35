package dev.weft.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A spawn allocates one object, its {@link Task} (at once the handle, the waker, the context and
 * the queue entry), and taking a queued task, polling it and ending it allocates nothing on the
 * worker. Counted with this thread's allocated-bytes counter on the one worker of a runtime: a
 * probe task spawns {@value #SPAWNS} tasks of one shared {@code Async} (fewer than the local ring
 * holds, so no overflow segment is in the count), then re-queues itself behind them until all
 * have run. One more object per spawn would add at least 16 bytes x {@value #SPAWNS}; the bounds
 * leave {@value #SLACK} bytes for what the VM itself allocates now and then, and the smallest of
 * several rounds counts (a one-off allocation while C2 compiles shows in one round, a
 * per-task one in every round).
 */
class SpawnAllocationTest {
    private static final int SPAWNS = 1_000;
    private static final long SLACK = 1_024;
    private static final int ROUNDS = 6;

    /** Tasks of {@link #NOOP} run so far; written and read on the only worker. */
    private static int ran;
    private static final Async<Void> NOOP = cx -> {
        ran++;
        return Poll.ready(null);
    };

    @Test
    void aSpawnAllocatesOnlyItsTaskAndRunningItAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = allocationCounters();
        long taskBytes = bytesOfTasks(threads);
        long leastSpawn = Long.MAX_VALUE;
        long leastRun = Long.MAX_VALUE;
        try (Runtime rt = Runtime.builder().workers(1).threadNamePrefix("alloc-").build()) {
            for (int round = 0; round < ROUNDS; round++) {
                long[] r = rt.blockOn(new Probe(threads));
                leastSpawn = Math.min(leastSpawn, r[0]);
                leastRun = Math.min(leastRun, r[1]);
            }
        }
        long spawn = leastSpawn;
        long run = leastRun;
        assertTrue(spawn <= taskBytes + SLACK, () -> "spawning " + SPAWNS + " tasks allocated " + spawn
                + " bytes; their Task objects alone take " + taskBytes + " (at most " + SLACK + " more allowed)");
        assertTrue(run <= SLACK, () -> "running " + SPAWNS + " queued tasks allocated " + run
                + " bytes on the worker (at most " + SLACK + " allowed)");
    }

    /**
     * From outside the workers a spawn goes through the inject queue, whose slots come in arrays
     * of {@link InjectQueue#SEGMENT} references: beyond its Task, a spawn's share of one is 4
     * bytes (with compressed references; 8 without), and nothing else is allocated for it.
     */
    @Test
    void aSpawnFromOutsideAllocatesItsTaskAndItsShareOfAQueueSegment() {
        com.sun.management.ThreadMXBean threads = allocationCounters();
        long taskBytes = bytesOfTasks(threads);
        int spawns = 10 * InjectQueue.SEGMENT;
        long least = Long.MAX_VALUE;
        try (Runtime rt = Runtime.builder().workers(1).threadNamePrefix("alloc-").build()) {
            for (int round = 0; round < ROUNDS; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < spawns; i++) {
                    rt.spawn(NOOP);
                }
                least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
            }
        }
        long beyondTasks = least - taskBytes * spawns / SPAWNS;
        assertTrue(beyondTasks <= 8L * spawns + SLACK, "spawning " + spawns + " tasks from outside allocated "
                + least + " bytes, " + beyondTasks + " beyond their Task objects: more than a share of queue segments");
    }

    /** HotSpot's per-thread allocation counters (the test is skipped on a VM without them). */
    private static com.sun.management.ThreadMXBean allocationCounters() {
        var mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
        return (com.sun.management.ThreadMXBean) mx;
    }

    /** Bytes that {@value #SPAWNS} bare Task objects take, measured the same way (smallest of several rounds). */
    private static long bytesOfTasks(com.sun.management.ThreadMXBean threads) {
        Task<?>[] keep = new Task<?>[SPAWNS]; // allocated before counting: only the tasks are counted
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < SPAWNS; i++) {
                keep[i] = new Task<>(NOOP, null);
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(SPAWNS, keep.length);
        assertTrue(least >= 16L * SPAWNS, "a Task object cannot take less than 16 bytes: " + least);
        return least;
    }

    /**
     * On the worker: counts the bytes its spawns allocate, then yields (a deferred wake puts it
     * behind them) until they all ran, counting what the worker allocated meanwhile. Returns
     * {spawn bytes, run bytes}.
     */
    private static final class Probe implements Async<long[]> {
        private final com.sun.management.ThreadMXBean threads;
        private long spawnBytes = -1;
        private long runStart;
        private int target;

        Probe(com.sun.management.ThreadMXBean threads) {
            this.threads = threads;
        }

        @Override
        public Poll<long[]> poll(Context cx) {
            if (spawnBytes < 0) {
                target = ran + SPAWNS;
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < SPAWNS; i++) {
                    Weft.spawn(NOOP);
                }
                runStart = threads.getCurrentThreadAllocatedBytes();
                spawnBytes = runStart - before;
            }
            if (ran < target) {
                cx.deferWake();
                return Poll.pending();
            }
            long runBytes = threads.getCurrentThreadAllocatedBytes() - runStart;
            return Poll.ready(new long[] {spawnBytes, runBytes});
        }
    }
}
