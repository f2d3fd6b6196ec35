package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/*
 * A single-use channel for one value, with no lock and one allocation (the channel itself,
 * which is also the receiving Async).
 *
 * State bits, changed only by CAS:
 *   WAKER_SET  the receiver has stored its waker in `waker`
 *   COMPLETE   the sender is done: it sent (VALUE also set) or closed without a value
 *   VALUE      `value` holds the sent value
 *   RX_CLOSED  the receiver gave up (closed or cancelled); later sends fail
 * Whether the receiver already took its result is its own business: a plain field.
 *
 * The value and the waker are plain fields published by the CAS that sets their bit. The
 * receiver only writes `waker` while WAKER_SET is clear, and it clears the bit with a CAS that
 * fails once COMPLETE is set; the sender reads `waker` only after a CAS that saw WAKER_SET. So
 * the two never race on the field, and the value is never missed: whichever CAS comes second
 * sees the other's bit.
 */

/**
 * One value from one sender to one receiver. The channel object is the receiving end: it is an
 * {@code Async<T>} that completes with the value, or fails with {@link ClosedException} if the
 * sender closed without sending. {@link #send(Object)} and {@link #closeSender()} are the sending
 * end.
 *
 * <p>Cancelling the receiving {@code Async} (or {@link #closeReceiver()}) closes the receiving
 * end: a later send returns {@code false}.
 *
 * <p>Thread-safety: the sender and the receiver may be on different threads; each end is used by
 * one party at a time.
 */
public final class Oneshot<T> implements Async<T> {
    private static final int WAKER_SET = 1;
    private static final int COMPLETE = 2;
    private static final int VALUE = 4;
    private static final int RX_CLOSED = 8;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Oneshot.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private T value;
    private Waker waker;
    private boolean received;

    public Oneshot() {
    }

    /**
     * Sends the value. Returns {@code false} (and drops it) if the receiver was already closed.
     *
     * @throws IllegalStateException if a value was already sent or the sender closed
     */
    public boolean send(T v) {
        Objects.requireNonNull(v, "value");
        int s = state;
        if ((s & COMPLETE) != 0) {
            throw new IllegalStateException("oneshot already completed by its sender");
        }
        if ((s & RX_CLOSED) != 0) {
            return false;
        }
        value = v;
        for (;;) {
            if ((s & COMPLETE) != 0) {
                throw new IllegalStateException("oneshot already completed by its sender");
            }
            if ((s & RX_CLOSED) != 0) {
                value = null;
                return false;
            }
            if (STATE.compareAndSet(this, s, s | COMPLETE | VALUE)) {
                if ((s & WAKER_SET) != 0) {
                    waker.wake();
                }
                return true;
            }
            s = state;
        }
    }

    /** Closes the sending end without a value: the receiver fails with ClosedException. */
    public void closeSender() {
        for (;;) {
            int s = state;
            if ((s & COMPLETE) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | COMPLETE)) {
                if ((s & WAKER_SET) != 0 && (s & RX_CLOSED) == 0) {
                    waker.wake();
                }
                return;
            }
        }
    }

    /** Closes the receiving end: later sends return false; a value already sent is dropped. */
    public void closeReceiver() {
        int s = (int) STATE.getAndBitwiseOr(this, RX_CLOSED);
        if ((s & VALUE) != 0) {
            value = null;
        }
    }

    /** Whether the receiver has closed (a sender may stop preparing the value). */
    public boolean isReceiverClosed() {
        return (state & RX_CLOSED) != 0;
    }

    /** Whether the sender has sent or closed. */
    public boolean isComplete() {
        return (state & COMPLETE) != 0;
    }

    /** The receiving end. */
    @Override
    public Poll<T> poll(Context cx) {
        int s = state;
        checkReceivable(s);
        if (!cx.consumeBudget()) {
            return Poll.pending();
        }
        if ((s & COMPLETE) != 0) {
            return Poll.ready(take(s));
        }
        Waker w = cx.waker();
        if ((s & WAKER_SET) != 0) {
            if (waker == w) {
                return Poll.pending();
            }
            // Withdraw the old waker before replacing it; fails only if the sender completed.
            if (!STATE.compareAndSet(this, s, s & ~WAKER_SET)) {
                return Poll.ready(take(state));
            }
            s &= ~WAKER_SET;
        }
        waker = w;
        if (!STATE.compareAndSet(this, s, s | WAKER_SET)) {
            return Poll.ready(take(state));
        }
        return Poll.pending();
    }

    /**
     * The value if it has been sent, {@code null} if not yet.
     *
     * @throws ClosedException if the sender closed without a value
     */
    public T tryRecv() {
        int s = state;
        checkReceivable(s);
        return (s & COMPLETE) != 0 ? take(s) : null;
    }

    /** Waits on the calling (plain) thread for the value; see {@link #poll(Context)}. */
    public T blockingRecv() throws InterruptedException {
        return BlockingWait.await(this);
    }

    /** The receiving end, as an Async (the channel itself). */
    public Async<T> recv() {
        return this;
    }

    @Override
    public void cancel() {
        closeReceiver();
    }

    private void checkReceivable(int s) {
        if (received || (s & RX_CLOSED) != 0) {
            throw new IllegalStateException("oneshot receiver already completed or closed");
        }
    }

    private T take(int s) {
        received = true;
        if ((s & VALUE) == 0) {
            throw new ClosedException("oneshot sender closed without a value");
        }
        T v = value;
        value = null;
        return v;
    }
}
