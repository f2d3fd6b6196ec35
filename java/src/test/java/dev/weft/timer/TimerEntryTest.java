package dev.weft.timer;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry's state word: exactly one of fire and cancel wins, from any pair of threads. */
class TimerEntryTest {

    @Test
    void cancelFromAnotherThreadRacingTheOwnersFireHasExactlyOneOutcome() throws Exception {
        int rounds = 20_000;
        TimerWheel wheel = new TimerWheel();
        AtomicInteger wakes = new AtomicInteger();
        TimerEntry[] entries = new TimerEntry[rounds];
        for (int i = 0; i < rounds; i++) {
            entries[i] = new TimerEntry(wakes::incrementAndGet);
            wheel.insert(entries[i], i + 1);
        }
        int[] cancelWins = {0};
        CyclicBarrier start = new CyclicBarrier(2);
        Thread canceller = new Thread(() -> {
            try {
                start.await();
                for (int i = rounds - 1; i >= 0; i--) {
                    if (entries[i].cancel()) {
                        cancelWins[0]++;
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        canceller.start();
        start.await();
        int fired = 0;
        for (int t = 1; t <= rounds; t++) {
            fired += wheel.advance(t);
        }
        canceller.join();
        assertEquals(rounds, fired + cancelWins[0], "every entry either fired or was cancelled");
        assertEquals(fired, wakes.get(), "a waker is called once per fire, never for a cancel");
        for (TimerEntry e : entries) {
            assertTrue(e.isFired() ^ e.isCancelled());
            assertFalse(e.isLinked());
        }
        assertTrue(wheel.isEmpty());
    }

    @Test
    void aSecondCancelOrACancelAfterFireReportsNothingDone() {
        TimerWheel wheel = new TimerWheel();
        TimerEntry a = new TimerEntry(() -> { });
        wheel.insert(a, 1);
        assertTrue(a.cancel());
        assertFalse(a.cancel());
        TimerEntry b = new TimerEntry(() -> { });
        wheel.insert(b, 1);
        wheel.advance(1);
        assertFalse(b.cancel());
        assertTrue(b.isFired());
    }

    @Test
    void theLatestWakerIsTheOneCalled() {
        TimerWheel wheel = new TimerWheel();
        int[] calls = new int[2];
        TimerEntry e = new TimerEntry(() -> calls[0]++);
        wheel.insert(e, 3);
        e.setWaker(() -> calls[1]++);
        wheel.advance(3);
        assertEquals(0, calls[0]);
        assertEquals(1, calls[1]);
    }
}
