package dev.weft.time;

import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeoutTest {

    /** An inner computation that records whether it was cancelled. */
    static final class Tracked<T> implements Async<T> {
        final Async<T> inner;
        final AtomicBoolean cancelled = new AtomicBoolean();

        Tracked(Async<T> inner) {
            this.inner = inner;
        }

        @Override
        public Poll<T> poll(Context cx) throws Exception {
            return inner.poll(cx);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            inner.cancel();
        }
    }

    @Test
    void anInnerTaskThatFinishesFirstGivesItsValueAndTheTimerIsCancelled() {
        try (Runtime rt = SleepTest.paused(1)) {
            Tracked<Integer> inner = new Tracked<>(Sleep.after(Duration.ofSeconds(1)).map(v -> 42));
            int v = rt.blockOn(Weft.timeout(Duration.ofHours(1), inner));
            assertEquals(42, v);
            assertFalse(inner.cancelled.get());
            assertEquals(0, rt.metrics().timersPending(), "the hour-long timer was unlinked");
            assertEquals(1, rt.metrics().timersFired(), "only the inner sleep fired");
            assertEquals(Duration.ofSeconds(1).toNanos(), rt.nanoTime(), "time never jumped to the released hour");
        }
    }

    @Test
    void anInnerTaskStillRunningAtTheLimitFailsWithTimeoutExceptionAndIsCancelled() {
        try (Runtime rt = SleepTest.paused(2)) {
            Tracked<Integer> inner = new Tracked<>(Sleep.after(Duration.ofHours(2)).map(v -> 1));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> rt.blockOn(Weft.timeout(Duration.ofHours(1), inner)));
            TimeoutException te = assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(te.getMessage().contains("PT1H"), te.getMessage());
            assertTrue(inner.cancelled.get(), "the inner computation was cancelled");
            assertEquals(0, rt.metrics().timersPending(), "the inner sleep's entry was released");
            assertEquals(Duration.ofHours(1).toNanos(), rt.nanoTime());
        }
    }

    @Test
    void anInnerFailureIsPassedOnAndTheTimerIsCancelled() {
        try (Runtime rt = SleepTest.paused(1)) {
            Async<Integer> failing = Sleep.after(Duration.ofMillis(5)).map(v -> {
                throw new IllegalStateException("boom");
            });
            CompletionException e = assertThrows(CompletionException.class,
                    () -> rt.blockOn(Weft.timeout(Duration.ofMinutes(1), failing)));
            assertEquals("boom", e.getCause().getMessage());
            assertEquals(0, rt.metrics().timersPending());
        }
    }

    @Test
    void aZeroLimitStillLetsAReadyInnerWin() {
        try (Runtime rt = SleepTest.paused(1)) {
            assertEquals(7, rt.blockOn(Weft.timeout(Duration.ZERO, Async.ready(7))));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> rt.blockOn(Weft.timeout(Duration.ZERO, Sleep.after(Duration.ofMillis(1)))));
            assertInstanceOf(TimeoutException.class, e.getCause());
        }
    }
}
