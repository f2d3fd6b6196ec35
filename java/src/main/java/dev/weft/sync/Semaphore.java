package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Supplier;

/*
 * A fair, asynchronous counting semaphore with multi-permit acquires and close.
 *
 * State: one long, `permits << 2 | QUEUED | CLOSED`, changed only by CAS.
 *
 * Fast paths take no lock: an acquire CASes permits down when enough are available, a release
 * CASes them up when QUEUED is clear. Everything about waiters happens under the lock of the
 * wait list.
 *
 * Fairness comes from one invariant: QUEUED implies that the available count is zero. An acquire
 * that cannot be satisfied takes, under the lock, every permit there is (a partial grant), queues
 * itself with the rest still wanted and sets QUEUED in the same CAS. From then on released
 * permits go to the head waiter first (partially if need be) and only reach the counter once the
 * queue is empty, when QUEUED is cleared in the same CAS. So a newcomer can never overtake a
 * waiter, and a waiter wanting many permits is not starved by a stream of single-permit acquires.
 *
 * Cancellation: a cancelled waiter leaves the queue and gives back what it was already granted
 * (partial or whole) through the same distribution as a release, so the next waiter gets it and
 * no permit is lost. Close wakes every waiter with ClosedException and returns their partial
 * grants to the counter; permits can still be released (and counted) after close.
 */

/**
 * A fair counting semaphore for tasks. {@link #acquire(int)} waits (without blocking a thread)
 * until the permits are available; waiters are served strictly in arrival order.
 *
 * <p>Thread-safety: every method may be called from any thread. An {@code Async} returned by
 * {@link #acquire(int)} is polled by one task at a time, as every {@code Async} is.
 */
public final class Semaphore {
    /** The largest number of permits a semaphore can hold. */
    public static final int MAX_PERMITS = Integer.MAX_VALUE;

    private static final long CLOSED = 1;
    private static final long QUEUED = 2;
    private static final int SHIFT = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long state;
    private final WaitList<Waiter> waiters = new WaitList<>();

    public Semaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, got " + permits);
        }
        state = (long) permits << SHIFT;
    }

    /** Permits available right now (zero while anyone waits). */
    public int availablePermits() {
        return (int) (state >>> SHIFT);
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * Takes {@code n} permits if they are available now and nobody is waiting; never waits.
     *
     * @throws ClosedException if the semaphore is closed
     */
    public boolean tryAcquire(int n) {
        checkCount(n);
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) {
                throw closed();
            }
            if ((s >>> SHIFT) < n) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - ((long) n << SHIFT))) {
                return true;
            }
        }
    }

    /**
     * An {@code Async} that completes once {@code n} permits have been taken, or fails with
     * {@link ClosedException} if the semaphore is (or gets) closed first. Cancelling it while it
     * waits gives back whatever part of the {@code n} permits it had already been granted.
     */
    public Async<Void> acquire(int n) {
        checkCount(n);
        return new Acquire(this, n);
    }

    /** Same as {@code acquire(1)}. */
    public Async<Void> acquire() {
        return acquire(1);
    }

    /**
     * Takes {@code n} permits, runs the {@code Async} that {@code body} makes, and gives the
     * permits back once it completes, fails, or is cancelled (its task aborted): the form that
     * cannot leak permits.
     */
    public <R> Async<R> withPermits(int n, Supplier<? extends Async<R>> body) {
        Objects.requireNonNull(body, "body");
        return new Scoped<Void, R>(acquire(n), ignored -> release(n), ignored -> body.get());
    }

    /** Adds {@code n} permits, handing them to waiters first, in order. */
    public void release(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("release count must be >= 0, got " + n);
        }
        if (n == 0) {
            return;
        }
        for (;;) {
            long s = state;
            if ((s & QUEUED) != 0) {
                synchronized (waiters) {
                    distribute(n);
                }
                return;
            }
            checkRoom(s, n);
            if (STATE.compareAndSet(this, s, s + ((long) n << SHIFT))) {
                return;
            }
        }
    }

    /**
     * Closes the semaphore: every waiter fails with {@link ClosedException}, as does every later
     * acquire. Permits released later are still counted. Idempotent.
     */
    public void close() {
        synchronized (waiters) {
            long returned = 0;
            Waiter w;
            while ((w = waiters.poll()) != null) {
                returned += w.wanted - w.remaining;
                w.closed = true;
                w.waker.wake();
            }
            for (;;) {
                long s = state;
                checkRoom(s, returned);
                long next = ((s & ~QUEUED) | CLOSED) + (returned << SHIFT);
                if (STATE.compareAndSet(this, s, next)) {
                    return;
                }
            }
        }
    }

    /**
     * Hands {@code n} permits to the queued waiters in order, the rest to the counter; clears
     * QUEUED when the queue empties. Caller holds the lock.
     */
    private void distribute(long n) {
        Waiter w;
        while (n > 0 && (w = waiters.peek()) != null) {
            long take = Math.min(n, w.remaining);
            w.remaining -= take;
            n -= take;
            if (w.remaining == 0) {
                waiters.remove(w);
                w.granted = true;
                w.waker.wake();
            }
        }
        boolean empty = waiters.isEmpty();
        for (;;) {
            long s = state;
            if (n == 0 && (!empty || (s & QUEUED) == 0)) {
                return;
            }
            checkRoom(s, n);
            long next = (empty ? s & ~QUEUED : s) + (n << SHIFT);
            if (STATE.compareAndSet(this, s, next)) {
                return;
            }
        }
    }

    private static void checkCount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("permit count must be >= 1, got " + n);
        }
    }

    private static void checkRoom(long s, long n) {
        if ((s >>> SHIFT) + n > MAX_PERMITS) {
            throw new IllegalStateException(
                    "releasing " + n + " permits would exceed MAX_PERMITS (" + MAX_PERMITS + ")");
        }
    }

    private static ClosedException closed() {
        return new ClosedException("semaphore closed");
    }

    /** A queued acquire. Fields other than {@code granted} are guarded by the list's lock. */
    private static final class Waiter extends WaitList.Node<Waiter> {
        final long wanted;
        long remaining;
        Waker waker;
        boolean closed;
        volatile boolean granted;

        Waiter(long wanted, long remaining, Waker waker) {
            this.wanted = wanted;
            this.remaining = remaining;
            this.waker = waker;
        }
    }

    /** The acquire operation: fast CAS first; allocates its waiter node only if it must wait. */
    private static final class Acquire implements Async<Void> {
        private final Semaphore sem;
        private final int n;
        private Waiter waiter;
        private boolean done;

        Acquire(Semaphore sem, int n) {
            this.sem = sem;
            this.n = n;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (done) {
                throw new IllegalStateException("acquire already completed");
            }
            if (!cx.consumeBudget()) {
                return Poll.pending();
            }
            Waiter w = waiter;
            if (w == null) {
                if (sem.tryAcquire(n)) {
                    done = true;
                    return Poll.ready(null);
                }
                return enqueue(cx.waker());
            }
            if (w.granted) {
                done = true;
                return Poll.ready(null);
            }
            synchronized (sem.waiters) {
                if (w.closed) {
                    done = true;
                    throw closed();
                }
                if (!w.granted) {
                    w.waker = cx.waker();
                    return Poll.pending();
                }
            }
            done = true;
            return Poll.ready(null);
        }

        private Poll<Void> enqueue(Waker waker) {
            synchronized (sem.waiters) {
                for (;;) {
                    long s = sem.state;
                    if ((s & CLOSED) != 0) {
                        done = true;
                        throw closed();
                    }
                    long avail = s >>> SHIFT;
                    if (avail >= n) {
                        // Permits came back between the fast path and the lock.
                        if (STATE.compareAndSet(sem, s, s - ((long) n << SHIFT))) {
                            done = true;
                            return Poll.ready(null);
                        }
                        continue;
                    }
                    // Take everything there is and queue for the rest, in one step.
                    if (STATE.compareAndSet(sem, s, (s & CLOSED) | QUEUED)) {
                        Waiter w = new Waiter(n, n - avail, waker);
                        sem.waiters.addLast(w);
                        waiter = w;
                        return Poll.pending();
                    }
                }
            }
        }

        @Override
        public void cancel() {
            Waiter w = waiter;
            if (w == null || done) {
                return;
            }
            done = true;
            synchronized (sem.waiters) {
                if (w.closed) {
                    return; // close already returned the partial grant
                }
                long held = w.granted ? w.wanted : w.wanted - w.remaining;
                sem.waiters.remove(w);
                sem.distribute(held);
            }
        }
    }
}
