package dev.weft.sync;

/*
 * The storage under an Mpsc: many producers offer, one consumer takes, and either side may close.
 *
 * Every implementation keeps its producer index and its closed bit in one word (`tail`, as
 * `index << 1 | CLOSED`), so a message is either counted before the close (and will be
 * delivered) or refused; the consumer knows it has drained a closed queue when its index reaches
 * the index frozen at close.
 *
 * The consumer distinguishes "empty" from "busy": a producer has claimed the next index but not
 * yet stored its message (a few instructions). take() reports busy as null; takeWaiting() spins
 * through it, which tryRecv needs to be linearizable. Slots are written with volatile stores and
 * read with volatile loads: a producer's store and its later read of the receiver's waker cell
 * pair with the consumer's registration and its re-check (see WakerCell).
 */
abstract class MessageQueue<T> {
    static final int OK = 0;
    static final int FULL = 1;
    static final int CLOSED = 2;

    /** OK, FULL (bounded only) or CLOSED. Any thread. */
    abstract int offer(T message);

    /** The next message, or null if none is stored right now (empty or busy). Consumer only. */
    abstract T take();

    /** True once closed and every message counted before the close has been taken. Consumer only. */
    abstract boolean isDrained();

    /** True if a producer claimed the next index but has not stored yet. Consumer only. */
    abstract boolean isBusy();

    /** Closes for producers; idempotent. Any thread. */
    abstract void close();

    abstract boolean isClosed();

    /** Messages counted and not yet taken (a snapshot; may include busy slots). */
    abstract long size();

    /** Like {@link #take()}, but waits out a busy slot instead of reporting it empty. */
    final T takeWaiting() {
        int spins = 0;
        for (;;) {
            T m = take();
            if (m != null || !isBusy()) {
                return m;
            }
            // A producer was between claiming its index and storing: a few instructions,
            // unless it was descheduled, hence the yield after a short spin.
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
