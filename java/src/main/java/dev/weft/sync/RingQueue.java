package dev.weft.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * The bounded queue: a ring of `capacity` slots, each with a sequence number (after Dmitry
 * Vyukov's bounded queue, specialised to one consumer).
 *
 * Slot i % capacity is free for index i when its sequence equals 2i, holds the message of index i
 * when it equals 2i + 1, and becomes free for index i + capacity when the consumer stores
 * 2(i + capacity). (Doubling keeps "holds i" and "free for i + 1" apart even at capacity 1.)
 * A producer reads `tail` (`index << 1 | CLOSED`), checks the slot's sequence, and claims the
 * index with a CAS on `tail`; checking room and claiming are therefore one atomic step, which
 * makes a full answer exact (trySend fails only if `capacity` messages are really in the queue).
 * After the claim it stores the message and then the sequence (volatile).
 *
 * Close sets CLOSED in `tail` with a CAS, which freezes the index: the consumer has drained a
 * closed queue when its index equals it.
 *
 * The arrays are allocated up front, like ArrayBlockingQueue's.
 *
 * Thread-safety: offer/close from any thread; take/isDrained/isBusy from the one consumer.
 */
final class RingQueue<T> extends MessageQueue<T> {
    private static final VarHandle TAIL;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(RingQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final Object[] slots;
    private final long[] seq;
    private volatile long tail;
    // Consumer side.
    private long head;
    private int headSlot;

    RingQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.slots = new Object[capacity];
        this.seq = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            seq[i] = 2L * i;
        }
    }

    int capacity() {
        return capacity;
    }

    @Override
    int offer(T message) {
        for (;;) {
            long t = tail;
            if ((t & 1) != 0) {
                return CLOSED;
            }
            long index = t >>> 1;
            int i = (int) (index % capacity);
            long s = (long) SEQ.getVolatile(seq, i);
            if (s == 2 * index) {
                if (TAIL.compareAndSet(this, t, t + 2)) {
                    slots[i] = message;
                    SEQ.setVolatile(seq, i, 2 * index + 1);
                    return OK;
                }
            } else if (s < 2 * index) {
                // The consumer has not freed this slot from the previous lap: full, unless the
                // tail moved meanwhile (then the read was stale).
                if (tail == t) {
                    return FULL;
                }
            }
            // s > 2 * index: another producer claimed this index; retry with the new tail.
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    T take() {
        int i = headSlot;
        long h = head;
        if ((long) SEQ.getVolatile(seq, i) != 2 * h + 1) {
            return null;
        }
        Object m = slots[i];
        slots[i] = null;
        // Volatile: orders the freeing before the caller's read of the senders' wait state.
        SEQ.setVolatile(seq, i, 2 * (h + capacity));
        head = h + 1;
        headSlot = i + 1 == capacity ? 0 : i + 1;
        return (T) m;
    }

    @Override
    boolean isDrained() {
        long t = tail;
        return (t & 1) != 0 && head == (t >>> 1);
    }

    @Override
    boolean isBusy() {
        return head < (tail >>> 1);
    }

    @Override
    void close() {
        for (;;) {
            long t = tail;
            if ((t & 1) != 0 || TAIL.compareAndSet(this, t, t | 1)) {
                return;
            }
        }
    }

    @Override
    boolean isClosed() {
        return (tail & 1) != 0;
    }

    @Override
    long size() {
        return Math.max(0, (tail >>> 1) - head);
    }
}
