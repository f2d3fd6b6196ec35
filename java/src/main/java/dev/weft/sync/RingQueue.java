package dev.weft.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * The bounded queue: a ring of `capacity` slots, many producers, one consumer.
 *
 * Indices grow forever; index i lives in slot i % capacity. `tail` is the next index to claim
 * (`index << 1 | CLOSED`), `head` the next index the consumer takes; the queue holds the indices
 * in [head, tail). A producer claims index i with a CAS on `tail`, but only if i < head +
 * capacity, then stores its message with a volatile write. A null slot at `head` with
 * head < tail is "busy": claimed, not yet stored.
 *
 * Full is exact: a producer that finds i >= head + capacity re-reads `tail`; if it has not moved,
 * `capacity` indices really were claimed and not taken at the moment `head` was read (so trySend
 * fails only when the queue is full, which keeps it linearizable). Producers keep `limit`, a
 * cached head + capacity, and read the consumer's `head` (a cache line the consumer writes) only
 * when they reach it.
 *
 * Reuse of a slot is safe because the consumer nulls it before it publishes head + 1 (volatile),
 * and a producer writes slot (i % capacity) for index i only after reading head > i - capacity.
 * The volatile write of `head` also orders the freeing before the caller's read of the senders'
 * wait state (see Mpsc).
 *
 * Close sets CLOSED in `tail` with a CAS, which freezes the index: the consumer has drained a
 * closed queue when `head` reaches it.
 *
 * The slot array is allocated up front (4 or 8 bytes a slot), like ArrayBlockingQueue's.
 *
 * Thread-safety: offer/close from any thread; take/isDrained/isBusy from the one consumer.
 */
final class RingQueue<T> extends MessageQueue<T> {
    private static final VarHandle TAIL;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(RingQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final Object[] slots;
    private volatile long tail;
    // A hint: producers race to write it, and a stale (smaller) value only costs a read of head.
    private volatile long limit;
    // Written by the consumer only.
    private volatile long head;
    private int headSlot;

    RingQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.slots = new Object[capacity];
        this.limit = capacity;
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
            if (index >= limit) {
                long newLimit = head + capacity;
                if (index >= newLimit) {
                    if (tail == t) {
                        return FULL;
                    }
                    continue;
                }
                limit = newLimit;
            }
            if (TAIL.compareAndSet(this, t, t + 2)) {
                SLOT.setVolatile(slots, (int) (index % capacity), message);
                return OK;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    T take() {
        int i = headSlot;
        Object m = SLOT.getVolatile(slots, i);
        if (m == null) {
            return null;
        }
        slots[i] = null;
        headSlot = i + 1 == capacity ? 0 : i + 1;
        head = head + 1;
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
