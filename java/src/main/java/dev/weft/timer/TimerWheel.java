package dev.weft.timer;

/*
 * A hierarchical timing wheel: 6 levels of 64 slots, one tick = 1 ms.
 *
 * Time is a tick count (long, >= 0). Level L has slots 2^(6L) ticks wide, so level 0 covers 64 ms
 * one tick per slot, level 1 covers 4 s, ..., level 5 covers 2^36 ms (about 2.2 years). An entry
 * with deadline D, inserted when the wheel's current tick is E (< D), goes to the level of the
 * highest 6-bit digit in which D and E differ, at the slot named by D's digit on that level:
 *
 *     level = highestBit((E ^ D) | 63) / 6        slot = (D >>> 6*level) & 63
 *
 * Invariant (levels 0..4): every entry of level L shares all digits above L with E, and its
 * digit L is greater than E's. So every entry of level L is due before every entry of any
 * level above it, and the earliest entry lives in the lowest occupied level, in the first
 * occupied slot after E's position there. A 64-bit occupancy mask per level finds that slot
 * with one rotate and one count-trailing-zeros: the next deadline is known in O(levels), which is
 * what a worker needs to choose its park timeout. An empty wheel costs nothing: nothing ticks.
 *
 * Advancing to tick N processes, in order, each slot whose start is <= N: the wheel's current tick
 * becomes that slot's start, the slot's list is detached, and each entry is either due (its
 * deadline <= the slot start: it fires) or re-inserted, which puts it on a strictly lower level
 * because it now shares one more digit with E. An entry therefore moves at most 5 times before
 * firing, and entries fire in deadline order at 1 ms resolution (within one tick, in any order).
 *
 * Slot lists. Each slot is a doubly linked list threaded through the entries themselves (the
 * entry's prev/next; the slot's index kept in the entry), so an entry is unlinked in O(1) from
 * wherever it sits and the wheel allocates nothing per timer. Order within a slot carries no
 * meaning (a level-0 slot is one tick; higher slots are re-sorted when processed), so a new
 * entry goes where linking it costs least: into an empty slot as its head, else right behind
 * the head. Write barrier: on G1 (JDK 17+) storing a reference to a young object into an old
 * one costs a StoreLoad fence (a card-table check after the store) plus card refinement work,
 * and the heads array is old after warm-up while a new entry is young. Linking behind the head
 * writes only into entries (the head and its successor, both usually young: timers are mostly
 * short-lived): heads[] is written only when a slot gets its first entry or loses its head.
 *
 * Cancel. On the owner, wheel.cancel(entry) flips the entry's state with a release store, no CAS
 * (only the owner fires an entry, so no fire can race it; TimerEntry.cancelOnOwner says why this is
 * enough) and unlinks it at once. Another thread cancels with a CAS and hands the unlinking to the
 * owner (TimerDriver); a cancelled entry still linked is dropped when its slot comes up.
 *
 * Deadlines beyond the wheel's span (D ^ E >= 2^36: further than about 2.2 years, or crossing a
 * 2^36 boundary) go on level 5 as if in range; level 5's slots then act as a ring. Its slot is
 * processed at the first slot start after E that has the slot's digit, which is never later than
 * the entry's deadline, and a not-yet-due entry is simply re-inserted. So any deadline up to
 * Long.MAX_VALUE ticks is handled without overflow (the current tick must stay below
 * Long.MAX_VALUE - 2^36, about 292 million years).
 */

/**
 * The hierarchical timer wheel of one worker: O(1) insert and cancel of intrusive
 * {@link TimerEntry} nodes, O(1) next deadline, deadline-ordered firing at 1 ms resolution.
 *
 * <p>Thread-safety: none. One thread (the owning worker) calls every method; it cancels with
 * {@link #cancel(TimerEntry)}. Other threads cancel an entry through {@link TimerEntry#cancel()}
 * and hand it to the owner, who calls {@link #remove(TimerEntry)}. The wakers an {@link #advance(long)} calls must not call back into
 * this wheel (a runtime waker only queues its task).
 */
public final class TimerWheel {
    /** Ticks per millisecond... one tick is this many nanoseconds. */
    public static final long NANOS_PER_TICK = 1_000_000L;
    /** Returned by {@link #nextExpiration()} when the wheel holds no entry. */
    public static final long NONE = Long.MAX_VALUE;

    static final int LEVELS = 6;
    static final int SLOT_BITS = 6;
    static final int SLOTS = 1 << SLOT_BITS;
    /** Ticks covered by one rotation of the top level: 2^36 ms. */
    public static final long SPAN = 1L << (LEVELS * SLOT_BITS);
    private static final long MAX_ELAPSED = Long.MAX_VALUE - 2 * SPAN;

    private final TimerEntry[] heads = new TimerEntry[LEVELS * SLOTS];
    private final long[] occupied = new long[LEVELS];
    private long elapsed;
    private int size;

    /** An empty wheel whose current tick is {@code startTick}. */
    public TimerWheel(long startTick) {
        if (startTick < 0 || startTick > MAX_ELAPSED) {
            throw new IllegalArgumentException("startTick must be in [0, " + MAX_ELAPSED + "]: " + startTick);
        }
        this.elapsed = startTick;
    }

    /** An empty wheel starting at tick 0. */
    public TimerWheel() {
        this(0);
    }

    /** The first tick at or after {@code nanos}: a deadline rounded up, so it never fires early. */
    public static long ceilTick(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return (nanos - 1) / NANOS_PER_TICK + 1;
    }

    /** The tick that {@code nanos} falls in: the current time rounded down. */
    public static long floorTick(long nanos) {
        return nanos <= 0 ? 0 : nanos / NANOS_PER_TICK;
    }

    /** The wheel's current tick: every entry due at or before it has fired. */
    public long elapsed() {
        return elapsed;
    }

    /** Entries linked (armed or cancelled but not yet unlinked). */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Links {@code entry} to fire at {@code deadlineTick} (a fired entry becomes pending again). Returns {@code false}
     * without linking it if the deadline is already due ({@code deadlineTick <= elapsed()}: the
     * caller treats the timer as expired now) or if the entry was cancelled.
     *
     * @throws IllegalStateException if the entry is already in a wheel
     */
    public boolean insert(TimerEntry entry, long deadlineTick) {
        if (entry.slot != TimerEntry.UNLINKED) {
            throw new IllegalStateException("timer entry is already in a wheel: " + entry);
        }
        if (deadlineTick <= elapsed || !entry.prepareInsert()) {
            return false;
        }
        entry.deadline = deadlineTick;
        link(entry);
        size++;
        return true;
    }

    /**
     * Unlinks {@code entry} if it is in this wheel (O(1)); the caller has cancelled it or is
     * about to re-insert it. Returns whether it was linked.
     */
    public boolean remove(TimerEntry entry) {
        if (entry.slot == TimerEntry.UNLINKED) {
            return false;
        }
        unlink(entry);
        size--;
        return true;
    }

    /**
     * Cancels {@code entry} and unlinks it, on this wheel's thread: the O(1) cancel of a timer
     * inserted in this wheel (or armed for it but not inserted yet). It costs no atomic
     * instruction ({@link TimerEntry#cancelOnOwner()} says why that is safe). Returns
     * {@code true} if this call stopped the timer from firing, {@code false} if it had already
     * fired or been cancelled.
     */
    public boolean cancel(TimerEntry entry) {
        if (!entry.cancelOnOwner()) {
            return false;
        }
        remove(entry);
        return true;
    }

    /**
     * The tick at which the next {@link #advance(long)} has work to do, or {@link #NONE}. This is
     * a slot start, which is at or before the earliest deadline (equal on level 0), so a worker
     * that parks until it never oversleeps a timer.
     */
    public long nextExpiration() {
        for (int level = 0; level < LEVELS; level++) {
            if (occupied[level] != 0) {
                return slotStart(level, nextSlot(level));
            }
        }
        return NONE;
    }

    /**
     * Moves the current tick to {@code nowTick}, firing (in deadline order) every armed entry
     * whose deadline is at or before it and dropping cancelled ones found on the way. A tick at
     * or before {@link #elapsed()} does nothing (time never goes back). Returns how many fired.
     */
    public int advance(long nowTick) {
        if (nowTick > MAX_ELAPSED) {
            throw new IllegalArgumentException("nowTick past the wheel's range: " + nowTick);
        }
        int fired = 0;
        while (size > 0) {
            int level = lowestOccupiedLevel();
            int slot = nextSlot(level);
            long start = slotStart(level, slot);
            if (start > nowTick) {
                break;
            }
            elapsed = start;
            fired += processSlot(level, slot);
        }
        if (nowTick > elapsed) {
            elapsed = nowTick;
        }
        return fired;
    }

    private int processSlot(int level, int slot) {
        int index = level * SLOTS + slot;
        TimerEntry e = heads[index];
        heads[index] = null;
        occupied[level] &= ~(1L << slot);
        int fired = 0;
        while (e != null) {
            TimerEntry next = e.next;
            e.prev = null;
            e.next = null;
            if (e.deadline <= elapsed || e.state() == TimerEntry.CANCELLED) {
                e.slot = TimerEntry.UNLINKED;
                size--;
                if (e.expire()) {
                    fired++;
                }
            } else {
                link(e); // due later: it lands on a lower level (or wraps on the top one)
            }
            e = next;
        }
        return fired;
    }

    private int lowestOccupiedLevel() {
        for (int level = 0; level < LEVELS; level++) {
            if (occupied[level] != 0) {
                return level;
            }
        }
        throw new IllegalStateException("wheel holds " + size + " entries but no slot is occupied");
    }

    /**
     * The first occupied slot of {@code level} after the current tick's digit, cyclically. The
     * current digit's own slot comes last: below the top level it is never occupied, and on the
     * top level it means one whole rotation later.
     */
    private int nextSlot(int level) {
        int from = (int) ((elapsed >>> (SLOT_BITS * level)) + 1) & (SLOTS - 1);
        long rotated = Long.rotateRight(occupied[level], from);
        return (from + Long.numberOfTrailingZeros(rotated)) & (SLOTS - 1);
    }

    /** The first tick after the current one at which {@code slot} of {@code level} begins. */
    private long slotStart(int level, int slot) {
        int shift = SLOT_BITS * level;
        long levelSpan = 1L << (shift + SLOT_BITS);
        long start = (elapsed & -levelSpan) + ((long) slot << shift);
        // Only the top level can name a slot at or before the current tick: its slots form a
        // ring for deadlines past its span, so such a slot begins one rotation later.
        return start <= elapsed ? start + levelSpan : start;
    }

    private static int levelFor(long elapsed, long deadline) {
        long differing = (elapsed ^ deadline) | (SLOTS - 1);
        if (differing >= SPAN) {
            differing = SPAN - 1; // past the top level's span: use the top level as a ring
        }
        return (63 - Long.numberOfLeadingZeros(differing)) / SLOT_BITS;
    }

    /**
     * Links {@code e} (whose {@code prev} and {@code next} are null: it is unlinked) into its
     * slot: as the head of an empty slot, else right behind the head. See "Write barrier" above.
     */
    private void link(TimerEntry e) {
        int level = levelFor(elapsed, e.deadline);
        int slot = (int) (e.deadline >>> (SLOT_BITS * level)) & (SLOTS - 1);
        int index = level * SLOTS + slot;
        e.slot = index;
        TimerEntry head = heads[index];
        if (head == null) {
            heads[index] = e;
            occupied[level] |= 1L << slot;
            return;
        }
        TimerEntry second = head.next;
        e.prev = head;
        e.next = second;
        if (second != null) {
            second.prev = e;
        }
        head.next = e;
    }

    private void unlink(TimerEntry e) {
        int index = e.slot;
        TimerEntry prev = e.prev;
        TimerEntry next = e.next;
        if (prev != null) {
            prev.next = next;
        } else {
            heads[index] = next;
            if (next == null) {
                occupied[index / SLOTS] &= ~(1L << (index % SLOTS));
            }
        }
        if (next != null) {
            next.prev = prev;
        }
        e.prev = null;
        e.next = null;
        e.slot = TimerEntry.UNLINKED;
    }
}
