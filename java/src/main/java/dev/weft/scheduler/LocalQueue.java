package dev.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A worker's run queue: a fixed ring of 4,096 task slots that its owner pushes at the tail and pops
 * at the head, and that other workers steal half of, from the head.
 *
 * <p><b>Indices.</b> Three unsigned 32-bit positions that only grow (wrapping): {@code tail}
 * (next slot the owner writes; only the owner writes it), and in one 64-bit {@code head} word,
 * {@code real} (next slot to hand out) and {@code steal} (first slot a thief is still copying).
 * Outside a steal {@code steal == real}. A thief claims {@code [real, real + n)} by moving
 * {@code real} alone with one CAS, copies the slots, then moves {@code steal} up to {@code real}
 * with a second CAS. Only one steal can be in flight: a thief that sees {@code steal != real}
 * backs off.
 *
 * <p><b>Invariants.</b> {@code steal <= real <= tail} and {@code tail - steal <= CAPACITY}
 * (the owner never writes a slot a thief may still be copying). A slot is written by the owner
 * only, before the release-store of {@code tail} that publishes it; a thief reads slots only after
 * acquiring {@code tail} and claiming them by CAS; the owner reuses a slot only after seeing
 * {@code steal} pass it. Each task therefore leaves the queue exactly once (by pop, steal, or
 * overflow), and slots are cleared when they leave so a finished task is not kept alive.
 *
 * <p><b>Overflow.</b> A push into a full ring moves half the ring plus the new task to the
 * {@link InjectQueue} in one batch (one atomic add there), claimed with the same CAS as a pop.
 * If a steal is in flight the ring will soon have room, and the new task alone goes to the
 * inject queue.
 *
 * <p>Thread-safety: {@link #push}, {@link #pop} and {@link #pushOverflow} by the owner only;
 * {@link #stealInto} and {@link #len} from any thread. {@code head} and {@code tail} live on
 * their own cache lines (padding fields around them) since the owner writes {@code tail} on
 * every push while thieves CAS {@code head}.
 */
final class LocalQueue {
    /**
     * Slots in the ring. Tokio's 256 made a task that spawns thousands overflow every 129
     * spawns, and each overflowed task then took the inject queue's longer path (linked, counted,
     * taken under its lock, pushed back into a ring). With 4,096 (16 KiB of references per
     * worker) SchedulerBench measured, medians of 8 iterations x 2 forks against 256:
     * spawn_many_local 256 vs 411 us, ping_pong 118 vs 143 us, spawn_many_remote_idle 465 vs 552
     * us, the others equal; 1,024 kept half of the gain.
     */
    static final int CAPACITY = 4096;
    private static final int MASK = CAPACITY - 1;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Task[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalQueue.class, "head", long.class);
            TAIL = l.findVarHandle(LocalQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Task<?>[] slots = new Task<?>[CAPACITY];

    // Padding: keep head and tail off each other's (and the slots pointer's) cache line.
    @SuppressWarnings("unused") private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long head;
    @SuppressWarnings("unused") private long p11, p12, p13, p14, p15, p16, p17;
    private volatile int tail;
    @SuppressWarnings("unused") private long p21, p22, p23, p24, p25, p26, p27;

    private static int steal(long head) {
        return (int) (head >>> 32);
    }

    private static int real(long head) {
        return (int) head;
    }

    private static long pack(int steal, int real) {
        return ((long) steal << 32) | (real & 0xFFFF_FFFFL);
    }

    /** Tasks in the ring (approximate while others steal). */
    int len() {
        long h = head;
        return tail - real(h);
    }

    boolean isEmpty() {
        return len() <= 0;
    }

    /**
     * Owner: appends {@code task}; when the ring is full, moves half of it plus {@code task} to
     * {@code overflow}. Returns true if it overflowed.
     */
    boolean push(Task<?> task, InjectQueue overflow) {
        for (;;) {
            long h = (long) HEAD.getAcquire(this);
            int t = tail; // only we write it
            int steal = steal(h);
            if (t - steal < CAPACITY) {
                SLOTS.set(slots, t & MASK, task);
                TAIL.setRelease(this, t + 1);
                return false;
            }
            if (steal != real(h)) {
                // A thief is copying; the ring frees up soon. Hand this one task over.
                overflow.push(task);
                return true;
            }
            if (pushOverflow(task, real(h), t, overflow)) {
                return true;
            }
            // A thief moved head meanwhile: retry, there may be room now.
        }
    }

    /** Owner: claims the older half of a full ring and sends it plus {@code task} as one batch. */
    private boolean pushOverflow(Task<?> task, int real, int t, InjectQueue overflow) {
        int n = CAPACITY / 2;
        if (t - real != CAPACITY) {
            return false;
        }
        long expect = pack(real, real);
        long next = pack(real + n, real + n);
        if (!HEAD.compareAndSet(this, expect, next)) {
            return false;
        }
        overflow.pushBatch(slots, real, n, task); // the claimed half is ours alone: plain reads
        for (int i = 0; i < n; i++) {
            SLOTS.set(slots, (real + i) & MASK, null);
        }
        return true;
    }

    /** Owner: takes the oldest task, or null when empty. */
    Task<?> pop() {
        long h = (long) HEAD.getAcquire(this);
        for (;;) {
            int real = real(h);
            if (real == tail) {
                return null;
            }
            int steal = steal(h);
            long next = steal == real ? pack(real + 1, real + 1) : pack(steal, real + 1);
            long witness = (long) HEAD.compareAndExchange(this, h, next);
            if (witness == h) {
                int idx = real & MASK;
                Task<?> task = (Task<?>) SLOTS.get(slots, idx);
                // Thieves only ever read slots below real; this one is ours alone now.
                SLOTS.set(slots, idx, null);
                return task;
            }
            h = witness;
        }
    }

    /**
     * Owner: writes {@code task} {@code i} slots past the tail, not yet visible to thieves
     * ({@link #publish} makes it so). Needs {@code i < room()}.
     */
    void stage(int i, Task<?> task) {
        SLOTS.set(slots, (tail + i) & MASK, task);
    }

    /** Owner: publishes the {@code n} staged tasks with one release store. */
    void publish(int n) {
        TAIL.setRelease(this, tail + n);
    }

    /**
     * Owner: how many more tasks fit without overflowing. Counted from {@code steal}, not
     * {@code real}: slots a thief is still copying are not free yet. Only grows meanwhile.
     */
    int room() {
        long h = (long) HEAD.getAcquire(this);
        return CAPACITY - (tail - steal(h));
    }

    /**
     * Thief: moves half (rounded up) of this queue's tasks into {@code dst}, which must be empty
     * and owned by the caller, and returns one of them to run at once (the rest are left in
     * {@code dst}); null when there was nothing to steal or another steal was in flight.
     */
    Task<?> stealInto(LocalQueue dst) {
        int dstTail = dst.tail; // caller owns dst
        long dstHead = (long) HEAD.getAcquire(dst);
        if (dstTail - steal(dstHead) > CAPACITY / 2) {
            return null; // no room for half a ring: caller should run its own tasks first
        }
        int n = claimHalf();
        if (n == 0) {
            return null;
        }
        // We hold [steal, steal + n): copy it into dst's free slots.
        long h = (long) HEAD.getAcquire(this);
        int first = steal(h);
        for (int i = 0; i < n; i++) {
            int src = (first + i) & MASK;
            Task<?> x = (Task<?>) SLOTS.get(slots, src);
            SLOTS.set(slots, src, null); // the owner cannot reuse it before steal moves past
            SLOTS.set(dst.slots, (dstTail + i) & MASK, x);
        }
        // Release the claimed range: steal catches up with real.
        for (;;) {
            int real = real(h);
            long witness = (long) HEAD.compareAndExchange(this, h, pack(real, real));
            if (witness == h) {
                break;
            }
            h = witness; // the owner popped meanwhile; steal still ours
        }
        // Hand the last copied task back to run, publish the rest in dst.
        n--;
        int lastIdx = (dstTail + n) & MASK;
        Task<?> ret = (Task<?>) SLOTS.get(dst.slots, lastIdx);
        SLOTS.set(dst.slots, lastIdx, null);
        if (n > 0) {
            TAIL.setRelease(dst, dstTail + n);
        }
        return ret;
    }

    /** Claims half (rounded up) of the ready tasks by moving real; returns how many, 0 if none or busy. */
    private int claimHalf() {
        long h = (long) HEAD.getAcquire(this);
        for (;;) {
            int steal = steal(h);
            int real = real(h);
            if (steal != real) {
                return 0; // another thief is copying
            }
            int t = (int) TAIL.getAcquire(this);
            int available = t - real;
            int n = available - available / 2;
            if (n <= 0) {
                return 0;
            }
            long witness = (long) HEAD.compareAndExchange(this, h, pack(steal, real + n));
            if (witness == h) {
                return n;
            }
            h = witness;
        }
    }
}
