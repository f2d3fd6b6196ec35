package dev.weft.scheduler;

import dev.weft.BlockingPoll;
import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scheduler's Flight Recorder events reach a recording with their fields, and cost nothing
 * while no recording wants them: the hooks' gate is closed, and a worker's polls allocate nothing.
 */
class FlightEventsTest {
    private static final String PREFIX = "weft-jfr-";

    private static boolean gateOpen() {
        return FlightEvents.taskPolls || FlightEvents.parks || FlightEvents.steals;
    }

    @Test
    void aRecordingGetsSlowPollsParksAndStealsWithTheirFields() throws Exception {
        assertFalse(gateOpen(), "no recording runs: the hooks are closed");
        Path file = Files.createTempFile("weft-events", ".jfr");
        BlockingPoll blocking = new BlockingPoll(200, 64); // the idle worker steals its spawns while it blocks
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.TaskPoll").withThreshold(Duration.ofMillis(50));
            recording.enable("dev.weft.SlowPoll");
            recording.enable("dev.weft.WorkerPark").withThreshold(Duration.ZERO);
            recording.enable("dev.weft.Steal");
            recording.start();
            assertTrue(FlightEvents.taskPolls && FlightEvents.parks && FlightEvents.steals,
                    "the recording opened the gate before start() returned");
            try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix(PREFIX)
                    .slowPollThreshold(Duration.ofMillis(50)).build()) {
                for (JoinHandle<Object> h : rt.blockOn(blocking)) {
                    h.join();
                }
            }
            recording.stop();
            assertFalse(gateOpen(), "stopping the recording closed the gate");
            recording.dump(file);
        }
        List<RecordedEvent> events;
        try {
            events = RecordingFile.readAllEvents(file);
        } finally {
            Files.delete(file);
        }
        String label = BlockingPoll.class.getName() + "@" + Integer.toHexString(System.identityHashCode(blocking));

        List<RecordedEvent> polls = ofType(events, "dev.weft.TaskPoll");
        assertTrue(polls.stream().allMatch(e -> e.getDuration().toMillis() >= 50),
                "JFR's threshold keeps only the polls over 50 ms: " + polls);
        RecordedEvent slow = polls.stream().filter(e -> label.equals(e.getString("task"))).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskPoll for " + label + " in " + polls));
        assertTrue(slow.getDuration().toMillis() >= 200, "it lasted the whole block: " + slow.getDuration());
        String blockedWorker = slow.getString("worker");
        assertTrue(blockedWorker.startsWith(PREFIX + "worker-"), blockedWorker);

        List<RecordedEvent> sightings = ofType(events, "dev.weft.SlowPoll");
        assertEquals(1, sightings.size(), "the watchdog saw the one slow poll: " + sightings);
        RecordedEvent sighting = sightings.get(0);
        assertTrue(sighting.getString("task").startsWith(BlockingPoll.class.getName() + ".poll("),
                sighting.getString("task"));
        assertEquals(blockedWorker, sighting.getString("worker"));
        assertTrue(sighting.getDuration("elapsed").toMillis() >= 50, "elapsed " + sighting.getDuration("elapsed"));
        assertTrue(sighting.getString("stack").contains(BlockingPoll.class.getName() + ".blockInPoll("),
                sighting.getString("stack"));

        List<RecordedEvent> parks = ofType(events, "dev.weft.WorkerPark");
        assertTrue(parks.stream().anyMatch(e -> e.getString("worker").startsWith(PREFIX + "worker-")
                && !e.getDuration().isNegative()), "idle workers parked: " + parks.size() + " parks");

        List<RecordedEvent> steals = ofType(events, "dev.weft.Steal");
        assertTrue(steals.stream().anyMatch(e -> blockedWorker.equals(e.getString("victim"))
                && !blockedWorker.equals(e.getString("worker")) && e.getInt("tasks") >= 1),
                "the idle worker stole from the blocked one: " + steals);
    }

    @Test
    void aDefaultRecordingGetsParksButDoesNotTimeEveryPoll() throws Exception {
        try (Recording recording = new Recording(Configuration.getConfiguration("default"))) {
            recording.start();
            assertTrue(FlightEvents.parks, "WorkerPark is on by default (thresholded)");
            assertFalse(FlightEvents.taskPolls || FlightEvents.steals, "TaskPoll and Steal wait to be enabled");
            recording.stop();
        }
        assertFalse(gateOpen());
    }

    @Test
    void aRecordingWithoutWeftEventsLeavesTheGateClosedUntilItEnablesThem() throws Exception {
        try (Recording recording = new Recording()) {
            for (String name : List.of("dev.weft.TaskPoll", "dev.weft.WorkerPark", "dev.weft.Steal")) {
                recording.disable(name);
            }
            recording.start();
            assertFalse(gateOpen(), "a recording that disables Weft's events costs the hot path nothing");
            try (Runtime rt = Runtime.builder().workers(1).threadNamePrefix(PREFIX + "gate-")
                    .slowPollThreshold(Duration.ofMillis(10)).build()) {
                recording.enable("dev.weft.TaskPoll");
                await(() -> FlightEvents.taskPolls, "the watchdog's refresh sees the setting changed while running");
                assertFalse(FlightEvents.parks || FlightEvents.steals);
            }
            recording.stop();
        }
        assertFalse(gateOpen());
    }

    @Test
    void withNoRecordingAWorkersPollsAllocateNothing() throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
        assertFalse(gateOpen());
        long unrecorded = allocatedByPolls((com.sun.management.ThreadMXBean) mx);
        assertTrue(unrecorded < 1024, unrecorded + " bytes allocated by 20000 polls on a worker");

        try (Recording recording = new Recording()) { // the measure's own check: a recorded poll does allocate
            recording.enable("dev.weft.TaskPoll");
            recording.start();
            long recorded = allocatedByPolls((com.sun.management.ThreadMXBean) mx);
            assertTrue(recorded >= 20_000 * 16, recorded + " bytes with each poll recorded");
        }
    }

    /**
     * Bytes the worker's thread allocates over 20000 polls of one yielding task, after 40000 to
     * warm up. The task measures from inside its own polls, so the whole path between two polls
     * (queues, poller turns, the hooks) is counted.
     */
    private static long allocatedByPolls(com.sun.management.ThreadMXBean threads) {
        AtomicLong allocated = new AtomicLong();
        try (Runtime rt = Runtime.builder().workers(1).threadNamePrefix(PREFIX + "alloc-").build()) {
            rt.blockOn(new Async<Void>() {
                int polls;
                long before;

                @Override
                public Poll<Void> poll(Context cx) {
                    polls++;
                    if (polls == 40_000) {
                        before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                    } else if (polls == 60_000) {
                        allocated.set(threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before);
                        return Poll.ready(null);
                    }
                    cx.deferWake();
                    return Poll.pending();
                }
            });
        }
        return allocated.get();
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(1);
        }
    }
}
