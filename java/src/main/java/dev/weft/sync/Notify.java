package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Task notification with a single stored permit, as Tokio's Notify.
 *
 * State: one long, `generation << 2 | mode`, mode EMPTY, WAITING (the wait list is non-empty)
 * or NOTIFIED (one permit stored). generation counts notifyWaiters calls.
 *
 * - notifyOne with nobody waiting stores the permit (EMPTY -> NOTIFIED; a second one is a no-op);
 *   with waiters it wakes the oldest, which is then done. The next notified() consumes a stored
 *   permit without waiting (NOTIFIED -> EMPTY). Both fast paths are one CAS and take no lock.
 * - notifyWaiters wakes every current waiter and stores no permit. It bumps the generation, so a
 *   Notified created before the call completes even if it had not been polled yet: it compares
 *   the generation it was created in with the current one.
 * - Entering WAITING and leaving it happen only under the wait list's lock, so a notifier that
 *   sees WAITING finds the list non-empty once it holds the lock (or re-reads the state).
 * - A waiter that was handed a notifyOne and then cancelled before it saw it passes the
 *   notification on (to the next waiter, or as the stored permit): nothing is lost.
 */

/**
 * Wakes tasks: {@link #notifyOne()} wakes one waiter or, if none waits, lets the next
 * {@link #notified()} complete at once (at most one such permit is kept); {@link #notifyWaiters()}
 * wakes every task waiting now, and every {@link Notified} created before the call. (It is
 * Tokio's {@code notify_waiters}; {@code notifyAll} is taken by {@link Object}.)
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class Notify {
    private static final long EMPTY = 0;
    private static final long WAITING = 1;
    private static final long NOTIFIED = 2;
    private static final long MODE = 3;
    private static final long GENERATION = 4;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Notify.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long state;
    private final WaitList<Waiter> waiters = new WaitList<>();

    /** A notify with no permit stored and nobody waiting. */
    public Notify() {
    }

    /** Wakes the oldest waiter, or stores one permit if nobody waits. */
    public void notifyOne() {
        for (;;) {
            long s = state;
            long mode = s & MODE;
            if (mode == NOTIFIED) {
                return;
            }
            if (mode == WAITING) {
                synchronized (waiters) {
                    notifyOneLocked();
                }
                return;
            }
            if (STATE.compareAndSet(this, s, (s & ~MODE) | NOTIFIED)) {
                return;
            }
        }
    }

    /** Wakes every task waiting now (and every Notified created so far); stores no permit. */
    public void notifyWaiters() {
        for (;;) {
            long s = state;
            if ((s & MODE) == WAITING) {
                break;
            }
            if (STATE.compareAndSet(this, s, s + GENERATION)) {
                return;
            }
        }
        synchronized (waiters) {
            for (;;) {
                long s = state;
                long next = (s & MODE) == WAITING ? (s & ~MODE) + GENERATION : s + GENERATION;
                if (STATE.compareAndSet(this, s, next)) {
                    break;
                }
            }
            Waiter w;
            while ((w = waiters.poll()) != null) {
                w.notified = true;
                w.waker.wake();
            }
        }
    }

    /** Whether some task is waiting right now (a snapshot). */
    public boolean hasWaiters() {
        return (state & MODE) == WAITING;
    }

    /** A new wait for a notification; lazy until polled, except for notifyWaiters (see class doc). */
    public Notified notified() {
        return new Notified(this, state & ~MODE);
    }

    /** Caller holds the lock. */
    private void notifyOneLocked() {
        for (;;) {
            long s = state;
            long mode = s & MODE;
            if (mode == NOTIFIED) {
                return;
            }
            if (mode == EMPTY) {
                if (STATE.compareAndSet(this, s, s | NOTIFIED)) {
                    return;
                }
                continue;
            }
            Waiter w = waiters.poll();
            // WAITING is only set with a non-empty list and cleared under this lock.
            w.notified = true;
            w.handedOne = true;
            w.waker.wake();
            if (waiters.isEmpty()) {
                // Only notifyOne/notifyWaiters change a WAITING state, and both hold the lock.
                STATE.setVolatile(this, s & ~MODE);
            }
            return;
        }
    }

    private static final class Waiter extends WaitList.Node<Waiter> {
        Waker waker;
        volatile boolean notified;
        boolean handedOne;

        Waiter(Waker waker) {
            this.waker = waker;
        }
    }

    /**
     * One wait for a notification. Cancel it (the runtime does, when its task is aborted) to
     * leave the wait list; a notifyOne it had received but not yet seen goes to the next waiter.
     */
    public static final class Notified implements Async<Void> {
        private final Notify notify;
        private final long generation;
        private Waiter waiter;
        private boolean done;

        private Notified(Notify notify, long generation) {
            this.notify = notify;
            this.generation = generation;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (done) {
                throw new IllegalStateException("notified already completed");
            }
            if (!cx.consumeBudget()) {
                return Poll.pending();
            }
            Waiter w = waiter;
            if (w == null) {
                if (tryConsume()) {
                    return complete();
                }
                synchronized (notify.waiters) {
                    for (;;) {
                        if (tryConsume()) {
                            return complete();
                        }
                        // A lock-free notifyOne may store a permit between the two reads: the
                        // CAS then fails and the loop takes the permit instead.
                        long s = notify.state;
                        if ((s & ~MODE) == generation && (s & MODE) != NOTIFIED
                                && STATE.compareAndSet(notify, s, (s & ~MODE) | WAITING)) {
                            break;
                        }
                    }
                    w = new Waiter(cx.waker());
                    notify.waiters.addLast(w);
                    waiter = w;
                    return Poll.pending();
                }
            }
            if (w.notified) {
                return complete();
            }
            synchronized (notify.waiters) {
                if (!w.notified) {
                    w.waker = cx.waker();
                    return Poll.pending();
                }
            }
            return complete();
        }

        /** A notifyWaiters since creation, or a stored permit taken. Mode is EMPTY or NOTIFIED here
         * unless WAITING; never takes the lock. */
        private boolean tryConsume() {
            for (;;) {
                long s = notify.state;
                if ((s & ~MODE) != generation) {
                    return true;
                }
                if ((s & MODE) != NOTIFIED) {
                    return false;
                }
                if (STATE.compareAndSet(notify, s, s & ~MODE)) {
                    return true;
                }
            }
        }

        private Poll<Void> complete() {
            done = true;
            return Poll.ready(null);
        }

        @Override
        public void cancel() {
            Waiter w = waiter;
            if (w == null || done) {
                return;
            }
            done = true;
            synchronized (notify.waiters) {
                if (notify.waiters.remove(w)) {
                    if (notify.waiters.isEmpty()) {
                        for (;;) {
                            long s = notify.state;
                            if ((s & MODE) != WAITING
                                    || STATE.compareAndSet(notify, s, s & ~MODE)) {
                                break;
                            }
                        }
                    }
                } else if (w.handedOne) {
                    notify.notifyOneLocked();
                }
            }
        }
    }
}
