package dev.weft.time;

import dev.weft.Runtime;
import dev.weft.time.Interval.MissedTick;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented tick sequences: period 10 ms, the tick scheduled at 10 taken only at 35, every
 * other tick taken as soon as it is due. Times are milliseconds from the interval's start.
 */
class IntervalTest {
    static final long MS = 1_000_000L;

    /** Takes {@code ticks} ticks, sleeping until 35 ms before the second; returns "scheduled@taken" per tick. */
    private static List<String> run(MissedTick policy, int ticks) {
        try (Runtime rt = SleepTest.paused(1)) {
            rt.advance(Duration.ofMillis(1000)); // start off the clock's origin
            Interval interval = Interval.every(Duration.ofMillis(10), policy);
            List<String> seen = new ArrayList<>();
            long start = rt.blockOn(interval.tick());
            seen.add("0@" + (rt.nanoTime() - start) / MS);
            rt.blockOn(Sleep.until(start + 35 * MS));
            for (int i = 1; i < ticks; i++) {
                long scheduled = rt.blockOn(interval.tick());
                seen.add((scheduled - start) / MS + "@" + (rt.nanoTime() - start) / MS);
            }
            interval.cancel();
            assertEquals(0, rt.metrics().timersPending());
            return seen;
        }
    }

    @Test
    void burstCatchesUpOnMissedTicksBackToBack() {
        assertEquals(List.of("0@0", "10@35", "20@35", "30@35", "40@40", "50@50"), run(MissedTick.BURST, 6));
    }

    @Test
    void delayRestartsTheScheduleFromTheLateTick() {
        assertEquals(List.of("0@0", "10@35", "45@45", "55@55", "65@65"), run(MissedTick.DELAY, 5));
    }

    @Test
    void skipDropsMissedTicksAndKeepsTheGrid() {
        assertEquals(List.of("0@0", "10@35", "40@40", "50@50", "60@60"), run(MissedTick.SKIP, 5));
    }

    @Test
    void aCancelledIntervalReleasesItsTimerAndRefusesMoreTicks() throws Exception {
        try (Runtime rt = Runtime.builder().workers(1).build()) {
            Interval interval = rt.blockOn(dev.weft.task.Async.ready(0)
                    .map(x -> Interval.every(Duration.ofHours(1), MissedTick.SKIP)));
            rt.blockOn(interval.tick()); // the first tick is due at once
            var pending = rt.spawn(interval.tick());
            SleepTest.awaitTrue(() -> rt.metrics().timersPending() == 1, "second tick armed");
            pending.abort(); // abandons the tick future: its entry is released
            SleepTest.awaitTrue(() -> rt.metrics().timersPending() == 0, "entry released");
            interval.cancel();
            assertThrows(CancellationException.class, () -> interval.pollTick(dev.weft.task.Context.of(() -> { })));
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Interval.every(Duration.ZERO, MissedTick.BURST));
        assertTrue(bad.getMessage().contains("PT0S"), bad.getMessage());
    }
}
