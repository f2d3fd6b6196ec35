package dev.weft.timer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The wheel as a data structure, driven tick by tick with no clock and no threads. */
class TimerWheelTest {

    /** Records, for each entry, the wheel tick at which it fired, and the firing order. */
    private static final class Recorder {
        final TimerWheel wheel;
        final List<TimerEntry> order = new ArrayList<>();
        final long[] firedAt;
        final TimerEntry[] entries;
        final long[] deadlines;

        Recorder(TimerWheel wheel, long[] deadlines) {
            this.wheel = wheel;
            this.deadlines = deadlines;
            this.firedAt = new long[deadlines.length];
            this.entries = new TimerEntry[deadlines.length];
            java.util.Arrays.fill(firedAt, -1);
            for (int i = 0; i < deadlines.length; i++) {
                final int id = i;
                entries[i] = new TimerEntry(() -> {
                    if (firedAt[id] != -1) {
                        fail("entry " + id + " fired twice");
                    }
                    firedAt[id] = wheel.elapsed();
                    order.add(entries[id]);
                });
            }
        }

        void insertAll() {
            for (int i = 0; i < entries.length; i++) {
                assertTrue(wheel.insert(entries[i], deadlines[i]), "insert of a future deadline");
            }
        }
    }

    @Test
    void hundredThousandRandomDeadlinesFireInOrderAtTheirTickNoneEarlyNoneLost() {
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 100_000;
        long[] deadlines = new long[n];
        for (int i = 0; i < n; i++) {
            // Mostly within 10 s (levels 0-2), some up to ~18 h (levels 3-4) to exercise cascading.
            deadlines[i] = 1 + (rnd.nextInt(10) == 0 ? rnd.nextLong(1L << 26) : rnd.nextLong(10_000));
        }
        TimerWheel wheel = new TimerWheel();
        Recorder r = new Recorder(wheel, deadlines);
        r.insertAll();
        assertEquals(n, wheel.size());

        // Step 1 ms at a time while it matters, then jump straight to each next expiration.
        long now = 0;
        while (!wheel.isEmpty()) {
            long next = wheel.nextExpiration();
            assertTrue(next > now, "next expiration " + next + " is after now " + now);
            now = next <= 10_000 ? now + 1 : next;
            wheel.advance(now);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(deadlines[i], r.firedAt[i], "entry " + i + " fires exactly at its deadline tick");
            assertTrue(r.entries[i].isFired());
        }
        assertEquals(n, r.order.size(), "none lost");
        for (int i = 1; i < n; i++) {
            assertTrue(r.order.get(i - 1).deadlineTick() <= r.order.get(i).deadlineTick(), "deadline order at " + i);
        }
        assertEquals(TimerWheel.NONE, wheel.nextExpiration());
    }

    @Test
    void oneBigAdvanceFiresEverythingDueInDeadlineOrderAndNothingLater() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 20_000;
        long[] deadlines = new long[n];
        for (int i = 0; i < n; i++) {
            deadlines[i] = 1 + rnd.nextLong(1L << 30);
        }
        TimerWheel wheel = new TimerWheel();
        Recorder r = new Recorder(wheel, deadlines);
        r.insertAll();
        long cut = 1L << 29;
        wheel.advance(cut);
        for (int i = 0; i < n; i++) {
            assertEquals(deadlines[i] <= cut, r.entries[i].isFired(), "entry " + i + " (deadline " + deadlines[i] + ")");
        }
        for (int i = 1; i < r.order.size(); i++) {
            assertTrue(r.order.get(i - 1).deadlineTick() <= r.order.get(i).deadlineTick(), "deadline order at " + i);
        }
        assertEquals(cut, wheel.elapsed());
        wheel.advance(1L << 30);
        assertEquals(n, r.order.size());
        assertTrue(wheel.isEmpty());
    }

    @Test
    void cancelledEntriesNeverFireAndLeaveTheWheelEmpty() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 10_000;
        long[] deadlines = new long[n];
        for (int i = 0; i < n; i++) {
            deadlines[i] = 1 + rnd.nextLong(100_000);
        }
        TimerWheel wheel = new TimerWheel();
        Recorder r = new Recorder(wheel, deadlines);
        r.insertAll();
        boolean[] cancelled = new boolean[n];
        for (int i = 0; i < n; i += 2) {
            assertTrue(r.entries[i].cancel());
            assertTrue(wheel.remove(r.entries[i]));
            assertFalse(r.entries[i].isLinked());
            cancelled[i] = true;
        }
        // Cancelled by another thread but not yet unlinked by the owner: skipped when its slot comes.
        for (int i = 1; i < n; i += 10) {
            assertTrue(r.entries[i].cancel());
            cancelled[i] = true;
        }
        wheel.advance(100_000);
        for (int i = 0; i < n; i++) {
            assertEquals(!cancelled[i], r.entries[i].isFired(), "entry " + i);
            assertEquals(-1, cancelled[i] ? r.firedAt[i] : -1);
        }
        assertTrue(wheel.isEmpty());
        assertEquals(TimerWheel.NONE, wheel.nextExpiration());
        assertFalse(wheel.remove(r.entries[0]), "removing an unlinked entry is a no-op");
    }

    @Test
    void removingTheLastEntryOfASlotClearsItsOccupancy() {
        TimerWheel wheel = new TimerWheel();
        TimerEntry a = new TimerEntry(() -> { });
        TimerEntry b = new TimerEntry(() -> { });
        wheel.insert(a, 5);
        wheel.insert(b, 5000);
        assertEquals(5, wheel.nextExpiration());
        wheel.remove(a);
        long next = wheel.nextExpiration();
        assertTrue(next > 5 && next <= 5000, "next expiration moves to b's slot: " + next);
        wheel.remove(b);
        assertEquals(TimerWheel.NONE, wheel.nextExpiration());
    }

    @Test
    void entriesOfOneSlotRemovedInAnyOrderLeaveTheOthersToFire() {
        int n = 5; // the head, the entries linked behind it, and the last: every order of removal
        for (int[] order : permutations(n)) {
            for (int removed = 0; removed <= n; removed++) {
                TimerWheel wheel = new TimerWheel();
                boolean[] fired = new boolean[n];
                TimerEntry[] es = new TimerEntry[n];
                for (int i = 0; i < n; i++) {
                    final int id = i;
                    es[i] = new TimerEntry(() -> fired[id] = true);
                    assertTrue(wheel.insert(es[i], 40)); // one slot of level 0
                }
                for (int k = 0; k < removed; k++) {
                    assertTrue(wheel.cancel(es[order[k]]));
                    assertFalse(es[order[k]].isLinked());
                }
                assertEquals(n - removed, wheel.size());
                assertEquals(removed == n ? TimerWheel.NONE : 40, wheel.nextExpiration(), "occupancy after " + removed + " removals");
                assertEquals(n - removed, wheel.advance(40));
                for (int k = 0; k < n; k++) {
                    assertEquals(k >= removed, fired[order[k]], "entry " + order[k] + " after " + removed + " removals");
                }
                assertTrue(wheel.isEmpty());
            }
        }
    }

    @Test
    void theOwnersCancelStopsTheTimerOnceAndUnlinksIt() {
        TimerWheel wheel = new TimerWheel();
        TimerEntry e = new TimerEntry(() -> fail("a cancelled entry fired"));
        assertTrue(wheel.insert(e, 7));
        assertTrue(wheel.cancel(e));
        assertTrue(e.isCancelled());
        assertFalse(e.isLinked());
        assertTrue(wheel.isEmpty());
        assertFalse(wheel.cancel(e), "a second cancel stops nothing");
        assertFalse(e.cancel(), "nor does a cancel from another thread after it");
        assertFalse(wheel.insert(e, 9), "a cancelled entry is never armed again");
        assertEquals(0, wheel.advance(100));

        TimerEntry fired = new TimerEntry(() -> { });
        assertTrue(wheel.insert(fired, 101));
        assertEquals(1, wheel.advance(101));
        assertFalse(wheel.cancel(fired), "too late: it fired");
        assertTrue(fired.isFired());

        TimerEntry notInserted = new TimerEntry(() -> { });
        assertTrue(wheel.cancel(notInserted), "an entry armed for this wheel but not inserted yet");
        assertFalse(wheel.insert(notInserted, 200));
    }

    @Test
    void dueDeadlinesAreNotInsertedTheCallerTreatsThemAsExpired() {
        TimerWheel wheel = new TimerWheel(100);
        for (long d : new long[] {0, -1, Long.MIN_VALUE, 99, 100}) {
            TimerEntry e = new TimerEntry(() -> { });
            assertFalse(wheel.insert(e, d), "deadline " + d + " is due at tick 100");
            assertFalse(e.isLinked());
        }
        assertTrue(wheel.isEmpty());
        assertTrue(wheel.insert(new TimerEntry(() -> { }), 101));
    }

    @Test
    void aDeadlineOfExactlyTheWheelSpanFiresAtItsTickNotBefore() {
        long deadline = 1L << 36;
        assertEquals(TimerWheel.SPAN, deadline);
        TimerWheel wheel = new TimerWheel();
        long[] firedAt = {-1};
        TimerEntry e = new TimerEntry(() -> firedAt[0] = 0);
        assertTrue(wheel.insert(e, deadline));
        followExpirations(wheel, deadline - 1);
        assertFalse(e.isFired());
        assertTrue(wheel.nextExpiration() <= deadline);
        wheel.advance(deadline);
        assertTrue(e.isFired());
    }

    @Test
    void longMaxValueNanosecondsIsFarButFinite() {
        long deadline = TimerWheel.ceilTick(Long.MAX_VALUE);
        assertEquals(9_223_372_036_855L, deadline);
        TimerWheel wheel = new TimerWheel();
        TimerEntry e = new TimerEntry(() -> { });
        assertTrue(wheel.insert(e, deadline));
        // Walk the ring of the top level: about 134 rotations, each never past the deadline.
        int steps = followExpirations(wheel, deadline - 1);
        assertTrue(steps > 100 && steps < 1000, "steps " + steps);
        assertFalse(e.isFired());
        wheel.advance(deadline);
        assertTrue(e.isFired());
    }

    @Test
    void deadlinesCrossingATopLevelBoundaryFireOnTime() {
        long start = (1L << 36) - 10;
        TimerWheel wheel = new TimerWheel(start);
        long[] deadlines = {start + 5, start + 15, start + 10 + (1L << 36), start + (1L << 37)};
        Recorder r = new Recorder(wheel, deadlines);
        r.insertAll();
        for (long d : deadlines) {
            followExpirations(wheel, d - 1);
            wheel.advance(d);
        }
        for (int i = 0; i < deadlines.length; i++) {
            assertEquals(deadlines[i], r.firedAt[i], "entry " + i);
        }
    }

    @Test
    void tickConversionRoundsDeadlinesUpAndNowDown() {
        assertEquals(0, TimerWheel.ceilTick(0));
        assertEquals(0, TimerWheel.ceilTick(-5));
        assertEquals(1, TimerWheel.ceilTick(1));
        assertEquals(1, TimerWheel.ceilTick(1_000_000));
        assertEquals(2, TimerWheel.ceilTick(1_000_001));
        assertEquals(0, TimerWheel.floorTick(999_999));
        assertEquals(1, TimerWheel.floorTick(1_000_000));
        assertEquals(0, TimerWheel.floorTick(-1));
    }

    @Test
    void misuseIsRejectedWithAClearMessage() {
        TimerWheel wheel = new TimerWheel();
        TimerEntry e = new TimerEntry(() -> { });
        wheel.insert(e, 10);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> wheel.insert(e, 20));
        assertTrue(twice.getMessage().contains("already"), twice.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> new TimerWheel(-1));
        assertTrue(neg.getMessage().contains("-1"), neg.getMessage());
        TimerEntry cancelled = new TimerEntry(() -> { });
        cancelled.cancel();
        assertFalse(wheel.insert(cancelled, 30), "a cancelled entry is never armed");
    }

    @Test
    void advancingBackwardsOrToTheSameTickDoesNothing() {
        TimerWheel wheel = new TimerWheel();
        TimerEntry e = new TimerEntry(() -> { });
        wheel.insert(e, 50);
        wheel.advance(40);
        wheel.advance(10);
        assertEquals(40, wheel.elapsed());
        assertFalse(e.isFired());
        assertEquals(1, wheel.advance(50));
    }

    @Test
    void anIntervalStyleEntryCanBeReinsertedAfterItFired() {
        TimerWheel wheel = new TimerWheel();
        int[] fires = {0};
        TimerEntry e = new TimerEntry(() -> fires[0]++);
        for (long t = 10; t <= 100; t += 10) {
            assertTrue(wheel.insert(e, t));
            wheel.advance(t);
            assertEquals(t / 10, fires[0]);
        }
    }

    @Test
    void randomInterleavingOfInsertCancelAndAdvanceMatchesASortedModel() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 20; round++) {
            // Start anywhere, including just before a top-level boundary.
            long start = round % 2 == 0 ? rnd.nextLong(1L << 40) : (1L << 36) * (1 + rnd.nextInt(4)) - rnd.nextInt(100);
            TimerWheel wheel = new TimerWheel(start);
            java.util.Map<TimerEntry, Long> live = new java.util.HashMap<>();
            List<TimerEntry> linked = new ArrayList<>();
            long[] lastFired = {Long.MIN_VALUE};
            for (int op = 0; op < 5_000; op++) {
                int kind = rnd.nextInt(10);
                if (kind < 6) {
                    long span = switch (rnd.nextInt(4)) {
                        case 0 -> 64;
                        case 1 -> 1L << 20;
                        case 2 -> 1L << 36;
                        default -> 1L << 40;
                    };
                    long deadline = wheel.elapsed() + 1 + rnd.nextLong(span);
                    TimerEntry[] self = new TimerEntry[1];
                    self[0] = new TimerEntry(() -> {
                        long d = live.remove(self[0]);
                        assertTrue(d <= wheel.elapsed(), "never early: " + d + " at " + wheel.elapsed());
                        assertTrue(d >= lastFired[0], "deadline order");
                        lastFired[0] = d;
                    });
                    assertTrue(wheel.insert(self[0], deadline));
                    live.put(self[0], deadline);
                    linked.add(self[0]);
                } else if (kind < 8 && !linked.isEmpty()) {
                    TimerEntry e = linked.remove(rnd.nextInt(linked.size()));
                    // The owner's cancel, or another thread's followed by the owner's unlink.
                    boolean stopped = rnd.nextBoolean() ? wheel.cancel(e) : e.cancel() && wheel.remove(e);
                    if (stopped) {
                        live.remove(e);
                    }
                } else {
                    long now = wheel.elapsed() + (rnd.nextBoolean() ? rnd.nextInt(100) : rnd.nextLong(1L << 34));
                    lastFired[0] = Long.MIN_VALUE;
                    wheel.advance(now);
                    for (long d : live.values()) {
                        assertTrue(d > now, "not lost: deadline " + d + " still pending at " + now);
                    }
                    if (!live.isEmpty()) {
                        long min = java.util.Collections.min(live.values());
                        long next = wheel.nextExpiration();
                        assertTrue(next > now && next <= min, "next expiration " + next + " in (" + now + ", " + min + "]");
                    }
                }
                assertEquals(live.size(), wheel.size(), "the wheel holds exactly the live timers");
            }
        }
    }

    /** Every ordering of 0..n-1. */
    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] prefix, boolean[] used, int k, List<int[]> out) {
        if (k == prefix.length) {
            out.add(prefix.clone());
            return;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (!used[i]) {
                used[i] = true;
                prefix[k] = i;
                permute(prefix, used, k + 1, out);
                used[i] = false;
            }
        }
    }

    /** Advances through each next expiration up to {@code limit}; returns how many steps it took. */
    private static int followExpirations(TimerWheel wheel, long limit) {
        int steps = 0;
        for (long next = wheel.nextExpiration(); next <= limit; next = wheel.nextExpiration()) {
            assertTrue(next > wheel.elapsed(), "progress");
            wheel.advance(next);
            steps++;
        }
        wheel.advance(limit);
        return steps;
    }
}
