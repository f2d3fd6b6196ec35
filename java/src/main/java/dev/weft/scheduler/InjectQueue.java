package dev.weft.scheduler;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime-wide queue for tasks scheduled from outside the workers (and for local-queue
 * overflow): a FIFO list linked through {@link Task#nextInQueue}, so queueing allocates nothing.
 *
 * <p><b>Algorithm.</b> A lock guards {@code head}, {@code tail} and the links; {@code len} is
 * written under the lock and read without it, so the hot "is there anything?" check that every
 * idle worker makes is one volatile read and never touches the lock. Batches (an overflowing
 * local queue's half, a worker's take of {@code len / workers + 1}) cost one lock acquisition.
 * A closed queue accepts nothing more: its {@link #push} returns false.
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
final class InjectQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private Task<?> head;
    private Task<?> tail;
    private volatile int len;
    private boolean closed;

    int len() {
        return len;
    }

    boolean isEmpty() {
        return len == 0;
    }

    /** Appends {@code task}; false if the queue is closed (the task was not queued). */
    boolean push(Task<?> task) {
        task.nextInQueue = null;
        return pushBatch(task, task, 1);
    }

    /** Appends the chain {@code first..last} of {@code n} tasks linked by {@code nextInQueue}. */
    boolean pushBatch(Task<?> first, Task<?> last, int n) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (tail == null) {
                head = first;
            } else {
                tail.nextInQueue = first;
            }
            tail = last;
            last.nextInQueue = null;
            len = len + n;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest task, or null. */
    Task<?> pop() {
        if (len == 0) {
            return null;
        }
        lock.lock();
        try {
            return unlink();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} tasks: returns the first (to run now), pushes the others into
     * {@code dst} (owned by the caller, with room for them). Null when empty.
     */
    Task<?> popInto(int max, LocalQueue dst) {
        if (len == 0 || max <= 0) {
            return null;
        }
        Task<?> first;
        Task<?> chain;
        int taken;
        lock.lock();
        try {
            first = unlink();
            if (first == null) {
                return null;
            }
            chain = head;
            taken = 0;
            Task<?> end = null;
            for (Task<?> t = head; t != null && taken < max - 1; t = t.nextInQueue) {
                end = t;
                taken++;
            }
            if (taken > 0) {
                head = end.nextInQueue;
                if (head == null) {
                    tail = null;
                }
                end.nextInQueue = null;
                len = len - taken;
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < taken; i++) {
            Task<?> t = chain;
            chain = t.nextInQueue;
            t.nextInQueue = null;
            dst.push(t, this);
        }
        return first;
    }

    private Task<?> unlink() {
        Task<?> t = head;
        if (t == null) {
            return null;
        }
        head = t.nextInQueue;
        if (head == null) {
            tail = null;
        }
        t.nextInQueue = null;
        len = len - 1;
        return t;
    }

    /** Closes the queue and returns what was left in it, as a chain. */
    Task<?> close() {
        lock.lock();
        try {
            closed = true;
            Task<?> h = head;
            head = null;
            tail = null;
            len = 0;
            return h;
        } finally {
            lock.unlock();
        }
    }
}
