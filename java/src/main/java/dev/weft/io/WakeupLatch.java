package dev.weft.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parked/notified word shared by every {@link Poller}: it makes a wake-up cost at most one
 * syscall, and none while the owner is not blocked, without ever losing a wake-up.
 *
 * <pre>
 *   RUNNING --beginPark--> PARKED --endPark--> RUNNING
 *   any     --notify-----> NOTIFIED           (notify syscalls only if it replaced PARKED)
 *   NOTIFIED --beginPark--> RUNNING            (park refused: a wake-up arrived first)
 * </pre>
 *
 * Invariant: a {@link #notifyParker()} that happens before {@link #beginPark()} makes that park
 * return at once; one that happens after it returns {@code true}, telling the caller to
 * interrupt the blocking wait. A leftover notification costs one spurious, non-blocking return.
 *
 * <p>{@link #interruptIfParked()} is the weaker form for a change the owner's next wait picks
 * up by itself (a selector's interest set, applied when a select starts): it interrupts a wait
 * in progress and leaves no notification behind when there is none, so the owner's own
 * changes, made while it runs, cost nothing.
 */
public final class WakeupLatch {
    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int NOTIFIED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);

    /**
     * Called by the owner before a blocking wait. Returns {@code true} if it may block;
     * {@code false} if a notification is pending (it is consumed) and it must not block.
     */
    public boolean beginPark() {
        if (state.compareAndSet(RUNNING, PARKED)) {
            return true;
        }
        state.set(RUNNING); // consume the pending notification
        return false;
    }

    /** Called by the owner after a blocking wait returns. */
    public void endPark() {
        state.set(RUNNING);
    }

    /**
     * Records a wake-up. Returns {@code true} if the owner is blocked and the caller must
     * interrupt the wait (one syscall); {@code false} if no syscall is needed.
     */
    public boolean notifyParker() {
        int s = state.get();
        if (s == NOTIFIED) {
            return false;
        }
        return state.getAndSet(NOTIFIED) == PARKED;
    }

    /**
     * Returns {@code true} if the owner is blocked (or about to block: between
     * {@link #beginPark()} and its wait) and the caller must interrupt the wait; the first of
     * several concurrent callers gets {@code true}, the others {@code false}. Records nothing
     * when the owner runs: only for changes that a wait starting later sees without help.
     */
    public boolean interruptIfParked() {
        return state.get() == PARKED && state.compareAndSet(PARKED, NOTIFIED);
    }

    /** Whether the owner is between {@link #beginPark()} and {@link #endPark()} (for tests). */
    boolean isParked() {
        return state.get() == PARKED;
    }
}
