package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;

import java.util.Collection;
import java.util.Objects;

/*
 * A multi-producer, single-consumer channel: a MessageQueue (RingQueue when bounded, BlockQueue
 * when unbounded), a WakerCell for the one receiver, and, when bounded, a Notify on which
 * senders wait for room.
 *
 * Receiving: take; if nothing, register the receiver's waker and take again (the re-check closes
 * the race with a producer that stored just before the registration). Every offer that succeeds
 * wakes the cell afterwards; the cell's CAS turns a burst of sends into a single wake.
 *
 * Backpressure: a sender that finds the ring full waits on `room`, then re-offers; as with the
 * receiver, it re-offers once after registering. Each message the receiver takes frees a slot
 * and, only if some sender waits (a volatile read, no lock otherwise), notifies one of them. A
 * sender woken for room that is then cancelled passes the notification on (Notify does that),
 * so room is never lost with a sender still waiting.
 *
 * Close (from either side) closes the queue, then wakes every waiting sender (they fail with
 * ClosedException) and the receiver (it drains what was sent before the close, then gets null).
 */

/**
 * A multi-producer, single-consumer channel of non-null messages, bounded (senders wait for room)
 * or unbounded.
 *
 * <p>{@link #recv()} completes with the next message, or with {@code null} once the channel is
 * closed and every message sent before the close has been received. Messages from one sender
 * arrive in the order it sent them.
 *
 * <p>Thread-safety: any number of threads and tasks may send; one party at a time receives
 * ({@code recv}, {@code tryRecv}, {@code recvMany}, {@code blockingRecv}). Close from anywhere.
 */
public final class Mpsc<T> {
    private final MessageQueue<T> queue;
    private final Notify room;
    private final WakerCell receiver = new WakerCell();
    private final Recv recv = new Recv();

    private Mpsc(MessageQueue<T> queue, Notify room) {
        this.queue = queue;
        this.room = room;
    }

    /** A channel holding at most {@code capacity} messages; senders wait when it is full. */
    public static <T> Mpsc<T> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        return new Mpsc<>(new RingQueue<>(capacity), new Notify());
    }

    /** A channel with no bound: a send never waits (and memory is the limit). */
    public static <T> Mpsc<T> unbounded() {
        return new Mpsc<>(new BlockQueue<>(), null);
    }

    // ---- sending ----

    /**
     * Sends now if there is room: {@code true} if sent, {@code false} if the channel is full.
     *
     * @throws ClosedException if the channel is closed
     */
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        switch (queue.offer(message)) {
            case MessageQueue.OK:
                receiver.wake();
                return true;
            case MessageQueue.FULL:
                return false;
            default:
                throw closedForSend();
        }
    }

    /**
     * An {@code Async} that sends {@code message}, waiting for room if the channel is bounded
     * and full, and fails with {@link ClosedException} if the channel is or gets closed first.
     * Cancelled while waiting, it sends nothing.
     */
    public Async<Void> send(T message) {
        Objects.requireNonNull(message, "message");
        return new Send(message);
    }

    /** Sends from a plain thread, blocking it while the channel is full. */
    public void blockingSend(T message) throws InterruptedException {
        if (!trySend(message)) {
            BlockingWait.await(new Send(message));
        }
    }

    // ---- receiving (one receiver) ----

    /**
     * The next message if one is there now, else {@code null}. If {@link #isClosed()} was
     * already true before this call, a {@code null} means the channel is drained for good.
     * (A send that has claimed its place but not finished storing is waited out: a few
     * instructions.)
     */
    public T tryRecv() {
        T m = queue.takeWaiting();
        if (m != null) {
            freed(1);
        }
        return m;
    }

    /**
     * An {@code Async} that completes with the next message, or {@code null} once the channel is
     * closed and drained. The receiver is single, so this returns the same reusable object every
     * time; poll one receive at a time.
     */
    public Async<T> recv() {
        return recv;
    }

    /**
     * The allocation-free receive for hand-written state machines: ready with the next message,
     * ready with {@code null} once closed and drained, else pending with the waker registered.
     */
    public Poll<T> pollRecv(Context cx) {
        if (!cx.consumeBudget()) {
            return Poll.pending();
        }
        T m = queue.take();
        if (m == null) {
            if (queue.isDrained()) {
                return Poll.ready(null);
            }
            receiver.register(cx.waker());
            m = queue.take();
            if (m == null) {
                return queue.isDrained() ? Poll.ready(null) : Poll.pending();
            }
        }
        freed(1);
        return Poll.ready(m);
    }

    /**
     * An {@code Async} that waits for at least one message, then moves up to {@code max}
     * available messages into {@code into} and completes with how many; completes with 0 once
     * the channel is closed and drained.
     */
    public Async<Integer> recvMany(Collection<? super T> into, int max) {
        Objects.requireNonNull(into, "into");
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        return new Async<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                Poll<T> first = pollRecv(cx);
                if (first.isPending()) {
                    return Poll.pending();
                }
                T m = first.value();
                if (m == null) {
                    return Poll.ready(0);
                }
                into.add(m);
                int n = 1;
                while (n < max && (m = queue.take()) != null) {
                    into.add(m);
                    n++;
                }
                freed(n - 1);
                return Poll.ready(n);
            }

            @Override
            public void cancel() {
                receiver.clear();
            }
        };
    }

    /** Receives on a plain thread, blocking it; {@code null} once closed and drained. */
    public T blockingRecv() throws InterruptedException {
        T m = tryRecv();
        return m != null ? m : BlockingWait.await(recv);
    }

    // ---- either side ----

    /**
     * Closes the channel: sends fail from now on (waiting senders too, with
     * {@link ClosedException}); the receiver still gets every message sent before, then
     * {@code null}. Idempotent.
     */
    public void close() {
        queue.close();
        if (room != null) {
            room.notifyWaiters();
        }
        receiver.wake();
    }

    public boolean isClosed() {
        return queue.isClosed();
    }

    /** Messages sent and not yet received (a snapshot). */
    public long size() {
        return queue.size();
    }

    /** The bound, or {@code -1} if unbounded. */
    public int capacity() {
        return queue instanceof RingQueue ? ((RingQueue<T>) queue).capacity() : -1;
    }

    private void freed(int slots) {
        if (room != null) {
            for (int i = 0; i < slots && room.hasWaiters(); i++) {
                room.notifyOne();
            }
        }
    }

    private static ClosedException closedForSend() {
        return new ClosedException("channel closed");
    }

    private final class Recv implements Async<T> {
        @Override
        public Poll<T> poll(Context cx) {
            return pollRecv(cx);
        }

        @Override
        public void cancel() {
            receiver.clear();
        }
    }

    /** One send; allocates a Notified only if it has to wait for room. */
    private final class Send implements Async<Void> {
        private T message;
        private Notify.Notified waiting;

        Send(T message) {
            this.message = message;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (message == null) {
                throw new IllegalStateException("send already completed");
            }
            if (!cx.consumeBudget()) {
                return Poll.pending();
            }
            for (;;) {
                if (offered()) {
                    if (waiting != null) {
                        // Woken for room (or not yet): pass any notification on.
                        waiting.cancel();
                        waiting = null;
                    }
                    return Poll.ready(null);
                }
                if (waiting == null) {
                    waiting = room.notified();
                }
                if (waiting.poll(cx).isPending()) {
                    // Now registered (or out of budget, to be polled again). Offer once more:
                    // room freed before the registration notified nobody.
                    if (offered()) {
                        waiting.cancel();
                        waiting = null;
                        return Poll.ready(null);
                    }
                    return Poll.pending();
                }
                waiting = null; // notified of room: try again
            }
        }

        private boolean offered() {
            int r = queue.offer(message);
            if (r == MessageQueue.OK) {
                message = null;
                receiver.wake();
                return true;
            }
            if (r == MessageQueue.CLOSED) {
                message = null;
                if (waiting != null) {
                    waiting.cancel();
                    waiting = null;
                }
                throw closedForSend();
            }
            return false;
        }

        @Override
        public void cancel() {
            if (waiting != null) {
                waiting.cancel();
                waiting = null;
            }
        }
    }
}
