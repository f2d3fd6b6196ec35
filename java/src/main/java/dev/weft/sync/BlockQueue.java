package dev.weft.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * The unbounded queue: a linked list of fixed blocks of BLOCK slots, filled by fetch-and-add.
 *
 * A producer claims index i with one getAndAdd on `tail` (`index << 1 | CLOSED`; a producer
 * that finds CLOSED in the old value gives up, its index is never used), finds the block holding
 * i and stores its message there with a volatile write. Claiming is wait-free and producers do
 * not contend on anything but the fetch-and-add; one block is allocated per BLOCK messages.
 *
 * Finding the block: `tailBlock` is a hint that only moves forward. A producer walks forward
 * from it (appending blocks with a CAS on `next` where none exists yet) or, if it claimed an
 * index older than the hint, backward through `prev`. The consumer cuts `prev` off a block when
 * it leaves the block before it: by then every index in that older block has been stored, so no
 * producer still needs to walk back there, and the garbage collector can reclaim consumed blocks.
 *
 * Close: a CAS sets CLOSED and freezes the count at `closedAt`, published right after; until it
 * is published the consumer treats its next index as busy (the closer wakes it after publishing).
 *
 * Thread-safety: offer/close from any thread; take/isDrained/isBusy from the one consumer.
 */
final class BlockQueue<T> extends MessageQueue<T> {
    static final int BLOCK = 32;
    private static final int MASK = BLOCK - 1;
    private static final VarHandle TAIL;
    private static final VarHandle TAIL_BLOCK;
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(BlockQueue.class, "tail", long.class);
            TAIL_BLOCK = l.findVarHandle(BlockQueue.class, "tailBlock", Block.class);
            NEXT = l.findVarHandle(Block.class, "next", Block.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Block {
        final long start;
        final Object[] slots = new Object[BLOCK];
        volatile Block next;
        // Racy reads are fine: it is only cleared once no producer can need it.
        Block prev;

        Block(long start, Block prev) {
            this.start = start;
            this.prev = prev;
        }
    }

    // Producer side.
    private volatile long tail;
    private volatile Block tailBlock;
    private volatile long closedAt = -1;

    // Consumer side (single thread at a time; handed between threads by the runtime's
    // happens-before edges).
    private Block headBlock;
    private long head;

    BlockQueue() {
        Block first = new Block(0, null);
        tailBlock = first;
        headBlock = first;
    }

    @Override
    int offer(T message) {
        long t = (long) TAIL.getAndAdd(this, 2L);
        if ((t & 1) != 0) {
            return CLOSED;
        }
        long index = t >>> 1;
        Block b = blockFor(index);
        SLOT.setVolatile(b.slots, (int) (index & MASK), message);
        return OK;
    }

    private Block blockFor(long index) {
        Block hint = tailBlock;
        Block b = hint;
        while (index < b.start) {
            b = b.prev;
        }
        while (index >= b.start + BLOCK) {
            Block n = b.next;
            if (n == null) {
                Block fresh = new Block(b.start + BLOCK, b);
                n = NEXT.compareAndSet(b, null, fresh) ? fresh : b.next;
            }
            b = n;
        }
        if (b.start > hint.start) {
            // One try: if it fails, someone else moved the hint, and only ever forward.
            TAIL_BLOCK.compareAndSet(this, hint, b);
        }
        return b;
    }

    @Override
    @SuppressWarnings("unchecked")
    T take() {
        Block b = headBlock;
        long h = head;
        if (h == b.start + BLOCK) {
            Block n = b.next;
            if (n == null) {
                return null;
            }
            n.prev = null;
            headBlock = b = n;
        }
        int i = (int) (h & MASK);
        Object m = SLOT.getVolatile(b.slots, i);
        if (m == null) {
            return null;
        }
        b.slots[i] = null;
        head = h + 1;
        return (T) m;
    }

    @Override
    boolean isDrained() {
        return (tail & 1) != 0 && head == closedAt;
    }

    @Override
    boolean isBusy() {
        long t = tail;
        if ((t & 1) == 0) {
            return head < (t >>> 1);
        }
        long end = closedAt;
        return end < 0 || head < end;
    }

    @Override
    void close() {
        for (;;) {
            long t = tail;
            if ((t & 1) != 0) {
                return;
            }
            if (TAIL.compareAndSet(this, t, t | 1)) {
                closedAt = t >>> 1;
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
        long t = tail;
        long end = (t & 1) == 0 ? t >>> 1 : Math.max(closedAt, 0);
        return Math.max(0, end - head);
    }
}
