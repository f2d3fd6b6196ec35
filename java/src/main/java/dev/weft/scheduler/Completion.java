package dev.weft.scheduler;

import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The outcome half of a {@link JoinHandle}, shared by worker tasks and blocking tasks: one
 * outcome, published once, and the waiters to tell.
 *
 * <p><b>Algorithm.</b> {@code outcome} is read as the outcome only once the task has ended:
 * then it holds the value (or {@link #NULL_VALUE}), a {@link Failure}, or
 * {@link #CANCELLED_OUTCOME}. Until then it belongs to the subclass, which may keep its own
 * state of the running task there ({@link #keepUntilEnd}: a worker task keeps its
 * {@link dev.weft.task.Async}, so one field serves both halves of its life and the task object
 * stays at 32 bytes); every reader from outside checks {@link #ended()} first.
 * {@code waiters} is {@code null}, a single {@link Waker}, a {@link WaiterNode} stack, or, once
 * the task ended, {@link #DONE} or an {@link Ended}. The ending thread writes the outcome
 * ({@link #setOutcome}), then the subclass's volatile state, then ({@link #wakeWaiters}), if
 * there are waiters, puts the end marker into {@code waiters} by CAS and wakes what it took. A
 * waiter is added by CAS (never onto an end marker) and the adder then re-reads the outcome.
 * Invariant: either the publisher sees the waiter, or the waiter sees the outcome; so no join is
 * lost. A single waiter (the common case: one task awaiting the handle) costs no allocation.
 *
 * <p><b>The CompletableFuture</b> ({@link #toCompletableFuture}) has no field of its own (a task
 * would be 40 bytes with one): it lives in the waiters word, as the {@link FutureSettler} waiter
 * that completes it, and after the end as the {@link Ended} marker that replaced that waiter. So
 * repeated calls find the same future: a caller pushes a settler only by a CAS on a stack it
 * saw had none, and the end marker carries the settler's future over (or, made after the end,
 * replaces {@code DONE} by CAS).
 *
 * <p>Thread-safety: all methods are safe from any thread.
 */
abstract class Completion<T> extends JoinHandle<T> {
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAITERS = l.findVarHandle(Completion.class, "waiters", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final Object NULL_VALUE = new Object();
    static final Object CANCELLED_OUTCOME = new Object();
    private static final Object DONE = new Object();

    /** The outcome of a task whose poll threw. */
    static final class Failure {
        final Throwable error;

        Failure(Throwable error) {
            this.error = error;
        }
    }

    /** The waiter that completes the future {@link #toCompletableFuture} handed out. */
    private final class FutureSettler implements Waker {
        final CompletableFuture<T> future = new CompletableFuture<>();

        @Override
        public void wake() {
            settle(future);
        }
    }

    /** The end marker of a task whose future was asked for: {@link #DONE} with that future. */
    private static final class Ended {
        final CompletableFuture<?> future;

        Ended(CompletableFuture<?> future) {
            this.future = future;
        }
    }

    private static final class WaiterNode {
        final Waker waker;
        final Object next;

        WaiterNode(Waker waker, Object next) {
            this.waker = waker;
            this.next = next;
        }
    }

    /**
     * Plain: the outcome, written before and read after the subclass's volatile end-of-task
     * state; before the end, what the subclass keeps there (see the class comment).
     */
    private Object outcome;
    private volatile Object waiters;

    /**
     * Whether the task has ended: a volatile read of the subclass's state word, whose write
     * (after {@link #setOutcome}) publishes the outcome.
     */
    abstract boolean ended();

    /**
     * Step 1 of ending, by the one thread that ends the task (its subclass's state word makes
     * that thread unique): a plain write, published by the state write that follows.
     */
    final void setOutcome(Object result) {
        outcome = result;
    }

    /**
     * Before the end only: stores the subclass's running state in the outcome's field (at
     * construction, or by the thread that owns the task). {@link #setOutcome} replaces it.
     */
    final void keepUntilEnd(Object running) {
        outcome = running;
    }

    /** What {@link #keepUntilEnd} stored; meaningful only to the task's owner, before the end. */
    final Object kept() {
        return outcome;
    }

    /**
     * Step 3 of ending, after the state write: wakes every waiter. Dekker with
     * {@link #addWaiter}: we wrote the state, then read {@code waiters}; a waiter CASes itself
     * in, then reads the state. So either we see the waiter or it sees the end. With no waiter
     * (the common case) this costs no atomic read-modify-write.
     */
    final void wakeWaiters() {
        Object w = waiters;
        if (w == null) {
            return;
        }
        for (;;) { // a CAS, not a swap: the end marker depends on what it replaces
            CompletableFuture<T> f = futureIn(w);
            Object witness = WAITERS.compareAndExchange(this, w, f == null ? DONE : new Ended(f));
            if (witness == w) {
                break;
            }
            w = witness;
        }
        while (w != null && w != DONE) {
            if (w instanceof WaiterNode n) {
                n.waker.wake();
                w = n.next;
            } else {
                ((Waker) w).wake();
                w = null;
            }
        }
    }

    private static boolean isEnd(Object waiters) {
        return waiters == DONE || waiters instanceof Ended;
    }

    /** The future of the settler in the waiter stack {@code cur} (not an end marker), or null. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<T> futureIn(Object cur) {
        while (cur != null) {
            Object w = cur instanceof WaiterNode n ? n.waker : cur;
            if (w instanceof Completion<?>.FutureSettler s) {
                return (CompletableFuture<T>) s.future;
            }
            cur = cur instanceof WaiterNode n ? n.next : null;
        }
        return null;
    }

    /** The outcome if the task ended, else null. */
    private Object outcome() {
        return ended() ? outcome : null;
    }

    static Object valueOutcome(Object value) {
        return value == null ? NULL_VALUE : value;
    }

    /**
     * Adds {@code w} unless already present; returns false if the task is done. A caller that
     * gets true must still re-read the outcome afterwards (see {@link #wakeWaiters}).
     */
    private boolean addWaiter(Waker w) {
        for (;;) {
            Object cur = waiters;
            if (isEnd(cur)) {
                return false;
            }
            if (contains(cur, w)) {
                return true;
            }
            Object next = cur == null ? w : new WaiterNode(w, cur);
            if (WAITERS.compareAndSet(this, cur, next)) {
                return true;
            }
        }
    }

    private static boolean contains(Object cur, Waker w) {
        while (cur != null) {
            if (cur instanceof WaiterNode n) {
                if (n.waker == w) {
                    return true;
                }
                cur = n.next;
            } else {
                return cur == w;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private T report(Object o) {
        if (o == NULL_VALUE) {
            return null;
        }
        if (o == CANCELLED_OUTCOME) {
            throw new CancellationException("task was cancelled: " + this);
        }
        if (o instanceof Failure f) {
            throw new CompletionException(f.error);
        }
        return (T) o;
    }

    @Override
    public final Poll<T> poll(Context cx) {
        Object o = outcome();
        if (o == null) {
            addWaiter(cx.waker());
            o = outcome();
            if (o == null) {
                return Poll.pending();
            }
        }
        return Poll.ready(report(o));
    }

    @Override
    public final T join() throws InterruptedException {
        Object o = outcome();
        if (o == null) {
            o = awaitOutcome(-1L);
        }
        return report(o);
    }

    @Override
    public final T join(Duration timeout) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("join timeout must not be negative: " + timeout);
        }
        Object o = outcome();
        if (o == null) {
            long nanos = saturatedNanos(timeout);
            o = awaitOutcome(nanos);
            if (o == null) {
                throw new TimeoutException("task not done within " + timeout + ": " + this);
            }
        }
        return report(o);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Parks the calling thread until the outcome is set or {@code nanos} pass (negative: no limit). */
    private Object awaitOutcome(long nanos) throws InterruptedException {
        Thread me = Thread.currentThread();
        if (me instanceof Worker) {
            throw new IllegalStateException("join() would block worker " + me.getName()
                    + "; await the JoinHandle from the task instead");
        }
        addWaiter(() -> LockSupport.unpark(me));
        long deadline = nanos < 0 ? 0 : System.nanoTime() + nanos;
        for (;;) {
            Object o = outcome();
            if (o != null) {
                return o;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while joining " + this);
            }
            if (nanos < 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                LockSupport.parkNanos(this, left);
            }
        }
    }

    @Override
    public final boolean isDone() {
        return ended();
    }

    @Override
    public final boolean isCancelled() {
        return outcome() == CANCELLED_OUTCOME;
    }

    @Override
    @SuppressWarnings("unchecked")
    public final CompletableFuture<T> toCompletableFuture() {
        for (;;) {
            Object cur = waiters;
            if (cur instanceof Ended e) {
                return (CompletableFuture<T>) e.future;
            }
            if (cur == DONE) { // ended, and nobody asked before: make it, settled, and keep it
                CompletableFuture<T> made = new CompletableFuture<>();
                settle(made);
                if (WAITERS.compareAndSet(this, DONE, new Ended(made))) {
                    return made;
                }
                continue;
            }
            CompletableFuture<T> found = futureIn(cur);
            if (found != null) {
                return found;
            }
            FutureSettler s = new FutureSettler();
            if (WAITERS.compareAndSet(this, cur, cur == null ? s : new WaiterNode(s, cur))) {
                if (ended()) { // the end may have passed before our push
                    settle(s.future); // (completing a future twice is harmless)
                }
                return s.future;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void settle(CompletableFuture<T> f) {
        Object o = outcome();
        if (o == NULL_VALUE) {
            f.complete(null);
        } else if (o == CANCELLED_OUTCOME) {
            f.cancel(false);
        } else if (o instanceof Failure fail) {
            f.completeExceptionally(fail.error);
        } else {
            f.complete((T) o);
        }
    }

    @Override
    public String toString() {
        Object o = outcome();
        String s = o == null ? "running" : o == CANCELLED_OUTCOME ? "cancelled" : o instanceof Failure ? "failed" : "completed";
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this)) + "[" + s + "]";
    }
}
