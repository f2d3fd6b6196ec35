package dev.weft.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime-wide queue for tasks scheduled from outside the workers (and for local-queue
 * overflow): a FIFO linked through {@link Task#nextInQueue}, so queueing allocates nothing.
 *
 * <p><b>Algorithm.</b> Producers never lock or wait: an intrusive multi-producer queue with a
 * stub node (after Dmitry Vyukov's design). A push swaps itself into {@code tail} with one atomic
 * exchange, then links the previous tail to itself with a release store. Consumers (workers)
 * take a lock, so there is one consumer at a time, and walk from {@code head}. A consumer that
 * finds the lock taken spins briefly before it blocks: a take holds the lock for a few hundred
 * nanoseconds, and a consumer that blocked would make the holder's unlock pay a thread wake-up
 * (in a CPU profile of 10,000 remote spawns, about 5% of the samples were that park and the
 * unpark it forced). Between a producer's exchange and its link the chain is briefly cut; a
 * consumer that meets the cut while {@code tail} shows more nodes waits for the link (spinning,
 * then yielding), so a completed push is never missed. When the consumer would take the last
 * node it first re-queues the stub, so {@code head} never runs past {@code tail}.
 *
 * <p><b>Length.</b> {@code len} is an atomic counter: incremented by a push after it links,
 * decremented by a take. It is exact when the queue is quiet and a hint otherwise (the idle
 * rescan and the batch size read it without the lock).
 *
 * <p><b>Closing.</b> {@link #close()} raises {@code closed} and drains the queue. A push racing
 * with it still links its task but returns false (it re-reads {@code closed} after linking), and
 * its caller must drain the queue again ({@code close()} is idempotent): either that drain or an
 * earlier one takes the entry (or a worker did, before the close).
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
final class InjectQueue {
    private static final VarHandle NEXT;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            NEXT = l.findVarHandle(Task.class, "nextInQueue", Task.class);
            TAIL = l.findVarHandle(InjectQueue.class, "tail", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Spins on a taken consumer lock before blocking on it (see the class comment). */
    private static final int MAX_LOCK_SPINS = 100;

    private final Task<?> stub = new Task<>(null, null);
    private final ReentrantLock consumer = new ReentrantLock();
    /** Oldest node (maybe the stub); consumer side, under {@code consumer}. */
    private Task<?> head = stub;
    @SuppressWarnings("unused") private long p1, p2, p3, p4, p5, p6, p7;
    private volatile Task<?> tail = stub;
    @SuppressWarnings("unused") private long q1, q2, q3, q4, q5, q6, q7;
    private final AtomicInteger len = new AtomicInteger();
    private volatile boolean closed;

    int len() {
        return Math.max(0, len.get());
    }

    boolean isEmpty() {
        return len.get() <= 0;
    }

    /** Appends {@code task}. Returns false if the queue is closed: the caller must drain it again. */
    boolean push(Task<?> task) {
        return pushBatch(task, task, 1);
    }

    /**
     * Appends the chain {@code first..last} of {@code n} tasks linked by {@code nextInQueue}.
     * Returns false if the queue is closed: the caller must drain it again.
     */
    boolean pushBatch(Task<?> first, Task<?> last, int n) {
        link(first, last);
        len.getAndAdd(n);
        return !closed;
    }

    private void link(Task<?> first, Task<?> last) {
        NEXT.set(last, null);
        Task<?> prev = (Task<?>) TAIL.getAndSet(this, last);
        NEXT.setRelease(prev, first);
    }

    /** Takes the oldest task, or null. */
    Task<?> pop() {
        if (len.get() <= 0) {
            return null;
        }
        lockConsumer();
        try {
            Task<?> t = take();
            if (t != null) {
                len.getAndDecrement();
            }
            return t;
        } finally {
            consumer.unlock();
        }
    }

    /**
     * Takes up to {@code max} tasks: returns the first (to run now), pushes the others into
     * {@code dst} (owned by the caller), no more than it has room for: a batch that overflowed
     * would send half the ring back here, behind everything. Null when empty.
     */
    Task<?> popInto(int max, LocalQueue dst) {
        max = Math.min(max, dst.room() + 1);
        if (len.get() <= 0 || max <= 0) {
            return null;
        }
        lockConsumer();
        try {
            Task<?> first = take();
            if (first == null) {
                return null;
            }
            int taken = 1;
            for (Task<?> t; taken < max && (t = take()) != null; taken++) {
                dst.push(t, this);
            }
            len.getAndAdd(-taken);
            return first;
        } finally {
            consumer.unlock();
        }
    }

    private void lockConsumer() {
        for (int spins = 0; !consumer.tryLock(); spins++) {
            if (spins == MAX_LOCK_SPINS) {
                consumer.lock();
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Under the consumer lock: unlinks the oldest task, or returns null if there is none. */
    private Task<?> take() {
        Task<?> h = head;
        Task<?> next = (Task<?>) NEXT.getAcquire(h);
        if (h == stub) {
            if (next == null) {
                if (tail == stub) {
                    return null; // truly empty
                }
                next = awaitLink(h); // a producer swapped tail but has not linked yet
            }
            head = next;
            h = next;
            next = (Task<?>) NEXT.getAcquire(h);
        }
        if (next != null) {
            head = next;
            NEXT.set(h, null);
            return h;
        }
        if (h != tail) {
            next = awaitLink(h); // more nodes behind a cut link
            head = next;
            NEXT.set(h, null);
            return h;
        }
        // h is the last node: put the stub behind it so head never passes tail.
        link(stub, stub);
        next = awaitLink(h);
        head = next;
        NEXT.set(h, null);
        return h;
    }

    /** Waits for the producer that swapped {@code tail} past {@code node} to link it. */
    private static Task<?> awaitLink(Task<?> node) {
        Task<?> next;
        int spins = 0;
        while ((next = (Task<?>) NEXT.getAcquire(node)) == null) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the producer was descheduled between its two steps
            }
        }
        return next;
    }

    /** Closes the queue (again: idempotent) and returns what was left in it. */
    List<Task<?>> close() {
        closed = true;
        List<Task<?>> left = new ArrayList<>();
        consumer.lock();
        try {
            for (Task<?> t; (t = take()) != null; ) {
                len.getAndDecrement();
                left.add(t);
            }
        } finally {
            consumer.unlock();
        }
        return left;
    }
}
