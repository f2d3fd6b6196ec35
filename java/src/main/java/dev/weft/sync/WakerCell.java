package dev.weft.sync;

import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * One registered waker with one registrant (a channel's single receiver) and any number of
 * wakers (its senders).
 *
 * Protocol: the registrant stores its waker, then publishes REGISTERED with a volatile write,
 * then looks at the condition it waits for again. A waker first makes its change visible with a
 * volatile write, then reads the state; if it sees REGISTERED it claims the registration with a
 * CAS to IDLE and wakes. Both sides use volatile (sequentially consistent) accesses, so at least
 * one of them sees the other: either the registrant's re-check finds the change, or the waker
 * finds the registration. The CAS makes a registration produce one wake, not one per sender.
 *
 * Thread-safety: register/clear from the registrant only; wake from any thread.
 */
final class WakerCell {
    private static final int IDLE = 0;
    private static final int REGISTERED = 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WakerCell.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Written only by the registrant, before it publishes REGISTERED; read by a waker after it
    // claimed the registration, so the volatile state carries the happens-before edge.
    private Waker waker;
    private volatile int state;

    /** Registers {@code w}; the caller must re-check its condition afterwards. */
    void register(Waker w) {
        if (state == REGISTERED && waker == w) {
            return;
        }
        waker = w;
        state = REGISTERED;
    }

    /** Wakes the registered waker, if any, and consumes the registration. */
    void wake() {
        if (state == REGISTERED && STATE.compareAndSet(this, REGISTERED, IDLE)) {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }
    }

    /** Drops the registration (the registrant was cancelled). */
    void clear() {
        state = IDLE;
    }

    boolean isRegistered() {
        return state == REGISTERED;
    }
}
