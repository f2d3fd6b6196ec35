package dev.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime-wide queue for tasks scheduled from outside the workers (and for local-queue
 * overflow): an unbounded FIFO of fixed array segments, which workers take from in batches.
 *
 * <p><b>Algorithm.</b> Every entry has a position, a 64-bit counter value that only grows.
 * Position {@code p} lives in slot {@code p - base} of the {@link Segment} whose {@code base} is
 * {@code p} rounded down to a multiple of the segment size ({@link #SEGMENT}); segments are
 * linked by {@code next} in position order. A producer claims its positions by adding to
 * {@code tail} (one atomic add per push, or per batch), then writes each task into its slot with
 * a release store. A consumer claims a run {@code [h, h + n)} by moving {@code head} with one
 * CAS, with {@code n} at most {@code tail - h}, then reads those slots and clears them. A claimed
 * slot may still be empty: its producer has claimed the position but not yet written it; the
 * consumer waits for that write (spinning, then yielding, since that producer was descheduled
 * between its two steps). No thread ever waits for anything else, and no lock is taken.
 *
 * <p><b>Finding segments.</b> Producers start from {@code tailSegment}, consumers from
 * {@code headSegment}, and walk {@code next} forward to the segment of their position. A thread
 * that finds no next segment appends a new one (a CAS on {@code next}; a loser uses the
 * winner's). Each pointer is only ever moved forward, by a thread holding a claimed position in
 * the new segment, after its claim. A thread reads the pointer before it claims, so
 * {@code headSegment.base <= head} and {@code tailSegment.base <= tail} hold whenever it looks:
 * the segment it starts from is never past its position. Segments are never reused (a thread that
 * is slow to walk sees only slots that are its own), and a passed segment is garbage: one array
 * of 1,024 references (4 KiB) is allocated per 1,024 positions.
 *
 * <p><b>Invariants.</b> {@code head <= tail}. Each position is claimed by exactly one producer
 * and one consumer, so each task leaves the queue exactly once, and a slot is cleared when its
 * task leaves, so a finished task is not kept alive.
 *
 * <p><b>Why segments.</b> The linked queue this replaced (an intrusive multi-producer list with a
 * lock for its consumer) walked the tasks themselves: one dependent cache miss per task, on memory
 * another thread had just written, all of it while holding the lock. Here a batch reads adjacent
 * slots (sixteen per cache line) and the tasks are first touched when they run; the length is
 * {@code tail - head}, with no counter of its own, so a push costs one atomic instruction
 * instead of two; and the task needs no link field, which keeps it at 32 bytes.
 *
 * <p><b>Length.</b> {@code tail - head}: exact when the queue is quiet, a hint otherwise (it
 * counts positions claimed but not yet written).
 *
 * <p><b>Closing.</b> {@link #close()} raises {@code closed} and drains the queue. A push racing
 * with it still writes its task but returns false (it reads {@code closed} after writing), and
 * its caller must drain the queue again ({@code close()} is idempotent): either that drain or an
 * earlier one takes the entry (or a worker did, before the close).
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
final class InjectQueue {
    /** Slots per segment (tests use smaller segments, to cross their ends often). */
    static final int SEGMENT = 1024;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle HEAD_SEGMENT;
    private static final VarHandle TAIL_SEGMENT;
    private static final VarHandle NEXT;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Task[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(InjectQueue.class, "head", long.class);
            TAIL = l.findVarHandle(InjectQueue.class, "tail", long.class);
            HEAD_SEGMENT = l.findVarHandle(InjectQueue.class, "headSegment", Segment.class);
            TAIL_SEGMENT = l.findVarHandle(InjectQueue.class, "tailSegment", Segment.class);
            NEXT = l.findVarHandle(Segment.class, "next", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code slots.length} consecutive positions from {@code base}. */
    static final class Segment {
        final long base;
        final Task<?>[] slots;
        volatile Segment next;

        Segment(long base, int size) {
            this.base = base;
            this.slots = new Task<?>[size];
        }
    }

    // Padding: consumers CAS head, producers add to tail; keep the two off each other's line.
    @SuppressWarnings("unused") private long p1, p2, p3, p4, p5, p6, p7;
    private volatile long head;
    @SuppressWarnings("unused") private long q1, q2, q3, q4, q5, q6, q7;
    private volatile long tail;
    @SuppressWarnings("unused") private long r1, r2, r3, r4, r5, r6, r7;
    private volatile Segment headSegment;
    private volatile Segment tailSegment;
    private volatile boolean closed;

    InjectQueue() {
        this(SEGMENT);
    }

    InjectQueue(int segmentSize) {
        if (segmentSize < 1) {
            throw new IllegalArgumentException("segmentSize must be positive: " + segmentSize);
        }
        Segment first = new Segment(0, segmentSize);
        headSegment = first;
        tailSegment = first;
    }

    int len() {
        long h = head; // head first: tail only grows, so the difference is never negative
        return (int) Math.min(Integer.MAX_VALUE, tail - h);
    }

    boolean isEmpty() {
        long h = head;
        return tail == h;
    }

    /** Appends {@code task}. Returns false if the queue is closed: the caller must drain it again. */
    boolean push(Task<?> task) {
        Segment from = tailSegment; // before the claim: see "Finding segments"
        long p = (long) TAIL.getAndAdd(this, 1L);
        Segment s = segmentOf(from, p);
        SLOTS.setRelease(s.slots, (int) (p - s.base), task);
        if (s != from) {
            TAIL_SEGMENT.compareAndSet(this, from, s);
        }
        return !closed;
    }

    /**
     * Appends {@code n} tasks read from the ring {@code ring} (a power-of-two array, read from
     * index {@code start}, wrapping), then {@code last}, in that order, claiming their positions
     * with one atomic add. The caller keeps ownership of the ring's slots (and clears them).
     * Returns false if the queue is closed: the caller must drain it again.
     */
    boolean pushBatch(Task<?>[] ring, int start, int n, Task<?> last) {
        int mask = ring.length - 1;
        Segment from = tailSegment;
        long p = (long) TAIL.getAndAdd(this, (long) n + 1);
        Segment s = from;
        for (int i = 0; i <= n; i++, p++) {
            s = segmentOf(s, p);
            SLOTS.setRelease(s.slots, (int) (p - s.base), i < n ? ring[(start + i) & mask] : last);
        }
        if (s != from) {
            TAIL_SEGMENT.compareAndSet(this, from, s);
        }
        return !closed;
    }

    /** Takes the oldest task, or null. (Allocates a run: the workers claim theirs with {@link #claim}.) */
    Task<?> pop() {
        Run run = new Run();
        return claim(run, 1) ? run.take() : null;
    }

    /**
     * Takes up to {@code max} tasks: returns the first (to run now), moves the others into
     * {@code dst} (owned by the caller; no more than it has room for) with one publishing store.
     * {@code scratch} is the caller's run to claim them with (used up, and left so). Null when
     * empty.
     */
    Task<?> popInto(int max, LocalQueue dst, Run scratch) {
        int limit = Math.min(max, dst.room() + 1);
        if (limit <= 0 || !claim(scratch, limit)) {
            return null;
        }
        Task<?> first = scratch.take();
        int staged = 0;
        for (Task<?> t; (t = scratch.take()) != null; staged++) {
            dst.stage(staged, t);
        }
        if (staged > 0) {
            dst.publish(staged);
        }
        return first;
    }

    /**
     * A run of positions claimed from the queue ({@link #claim}), whose tasks its owner (one
     * worker) takes one at a time, in order, straight from the segments: no copy into the
     * worker's ring, whose reference stores each cost a write-barrier fence on G1. The run's
     * tasks are the owner's alone (no thief can take them), so runs are kept short.
     */
    static final class Run {
        private Segment segment;
        private long next;
        private long end;

        /** Tasks left in the run (approximate from other threads). */
        int size() {
            return (int) (end - next);
        }

        /** The next task of the run, waiting for its producer's write if need be; null when used up. */
        Task<?> take() {
            long p = next;
            if (p == end) {
                return null;
            }
            Segment s = segmentOf(segment, p);
            segment = s;
            next = p + 1;
            return takeSlot(s, p);
        }
    }

    /**
     * Claims up to {@code max} of the oldest positions into {@code run}, which must be used up.
     * Returns false when the queue is empty.
     */
    boolean claim(Run run, int max) {
        Segment from;
        long h;
        int n;
        for (;;) {
            from = headSegment; // before the claim: see "Finding segments"
            h = head;
            long available = tail - h;
            if (available <= 0) {
                return false;
            }
            n = (int) Math.min(available, max);
            if (HEAD.compareAndSet(this, h, h + n)) {
                break;
            }
        }
        Segment last = segmentOf(from, h + n - 1);
        if (last != from) {
            HEAD_SEGMENT.compareAndSet(this, from, last);
        }
        run.segment = from;
        run.next = h;
        run.end = h + n;
        return true;
    }

    /**
     * The segment holding position {@code p}: walks (and, where it ends, extends) the chain from
     * {@code s}, which must not be past {@code p}.
     */
    private static Segment segmentOf(Segment s, long p) {
        while (p - s.base >= s.slots.length) {
            Segment next = s.next;
            if (next == null) {
                Segment fresh = new Segment(s.base + s.slots.length, s.slots.length);
                Segment witness = (Segment) NEXT.compareAndExchange(s, (Segment) null, fresh);
                next = witness == null ? fresh : witness;
            }
            s = next;
        }
        return s;
    }

    /** Takes the task at claimed position {@code p} of {@code s}, waiting for its producer's write. */
    private static Task<?> takeSlot(Segment s, long p) {
        int i = (int) (p - s.base);
        Task<?> t;
        int spins = 0;
        while ((t = (Task<?>) SLOTS.getAcquire(s.slots, i)) == null) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the producer was descheduled between its claim and its write
            }
        }
        SLOTS.set(s.slots, i, null);
        return t;
    }

    /** Closes the queue (again: idempotent) and returns what was left in it. */
    List<Task<?>> close() {
        closed = true;
        List<Task<?>> left = new ArrayList<>();
        Run run = new Run();
        while (claim(run, Integer.MAX_VALUE)) { // all there is, then whatever came meanwhile
            for (Task<?> t; (t = run.take()) != null; ) {
                left.add(t);
            }
        }
        return left;
    }
}
