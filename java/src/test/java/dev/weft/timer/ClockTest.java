package dev.weft.timer;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClockTest {

    @Test
    void pausedTimeStandsStillUntilAdvanced() {
        PausedClock c = Clock.paused();
        assertTrue(c.isPaused());
        assertEquals(0, c.nanoTime());
        assertEquals(0, c.nanoTime());
        assertEquals(3_000_000, c.advance(Duration.ofMillis(3)));
        assertEquals(3_000_000, c.nanoTime());
        assertEquals(3_000_000, c.advanceTo(1), "advanceTo never moves time back");
        assertEquals(5_000_000, c.advanceTo(5_000_000));
        assertEquals(5_000_000, c.nanoTime());
    }

    @Test
    void pausedTimeSaturatesInsteadOfOverflowing() {
        PausedClock c = Clock.paused();
        c.advance(Duration.ofDays(1));
        assertEquals(Long.MAX_VALUE, c.advance(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Long.MAX_VALUE, c.advance(Duration.ofNanos(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.advance(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("PT-0.001S"), e.getMessage());
    }

    @Test
    void realTimeStartsAtZeroAndNeverGoesBack() {
        Clock c = Clock.real();
        assertFalse(c.isPaused());
        long a = c.nanoTime();
        long b = c.nanoTime();
        assertTrue(a >= 0 && b >= a);
    }

    @Test
    void deadlinesTreatZeroAndNegativeAsNowAndSaturateAtTheFarEnd() {
        assertEquals(500, Clock.deadlineAfter(500, Duration.ZERO));
        assertEquals(500, Clock.deadlineAfter(500, Duration.ofMillis(-7)));
        assertEquals(500 + 2_000_000, Clock.deadlineAfter(500, Duration.ofMillis(2)));
        assertEquals(Long.MAX_VALUE, Clock.deadlineAfter(500, Duration.ofNanos(Long.MAX_VALUE)));
        assertEquals(Long.MAX_VALUE, Clock.deadlineAfter(500, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        assertEquals((1L << 36) * 1_000_000 + 500, Clock.deadlineAfter(500, Duration.ofMillis(1L << 36)));
        assertEquals(Long.MIN_VALUE, Clock.saturatedNanos(Duration.ofSeconds(Long.MIN_VALUE)));
    }
}
