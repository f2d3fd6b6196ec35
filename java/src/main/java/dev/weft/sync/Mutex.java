package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;

import java.util.function.Function;

/*
 * An asynchronous mutual-exclusion lock around a value, built on a one-permit fair Semaphore:
 * holding the lock is holding the permit. Lock hand-over therefore inherits the semaphore's FIFO
 * order and its cancel safety (a task cancelled while queued gives the lock to the next waiter
 * if it had just been granted it). The value is published between holders by the permit
 * hand-off itself (a CAS or the wait list's lock), so it needs no volatile of its own.
 */

/**
 * An async lock protecting one value of type {@code T}. A holder gets a {@link Guard}; closing
 * the guard unlocks. {@link #withLock(Function)} is the form that cannot leak the lock: it
 * unlocks when the body completes, fails, or is cancelled (its task aborted).
 *
 * <p>Thread-safety: every method may be called from any thread; {@code get}/{@code set} on a
 * guard belong to its holder.
 */
public final class Mutex<T> {
    private final Semaphore permit = new Semaphore(1);
    private T value;

    public Mutex(T value) {
        this.value = value;
    }

    /** An {@code Async} that completes with the guard once the lock is held (FIFO among waiters). */
    public Async<Guard<T>> lock() {
        Async<Void> acquire = permit.acquire(1);
        return new Async<>() {
            @Override
            public Poll<Guard<T>> poll(Context cx) throws Exception {
                return acquire.poll(cx).isReady() ? Poll.ready(new Guard<>(Mutex.this)) : Poll.pending();
            }

            @Override
            public void cancel() {
                acquire.cancel();
            }
        };
    }

    /** The guard if the lock is free and nobody waits for it, else {@code null}. */
    public Guard<T> tryLock() {
        return permit.tryAcquire(1) ? new Guard<>(this) : null;
    }

    /** Whether some holder has the lock right now (a snapshot). */
    public boolean isLocked() {
        return permit.availablePermits() == 0;
    }

    /**
     * Locks, runs the {@code Async} that {@code body} makes from the guard, and unlocks once that
     * completes, fails, or is cancelled. The body must not close the guard itself.
     */
    public <R> Async<R> withLock(Function<? super Guard<T>, ? extends Async<R>> body) {
        return new Scoped<>(lock(), Guard::close, body);
    }

    /** The held lock: access to the value until {@link #close()}, which unlocks (once). */
    public static final class Guard<T> implements AutoCloseable {
        private final Mutex<T> mutex;
        private boolean released;

        private Guard(Mutex<T> mutex) {
            this.mutex = mutex;
        }

        public T get() {
            checkHeld();
            return mutex.value;
        }

        public void set(T value) {
            checkHeld();
            mutex.value = value;
        }

        /** Unlocks; a second close does nothing. */
        @Override
        public void close() {
            if (!released) {
                released = true;
                mutex.permit.release(1);
            }
        }

        private void checkHeld() {
            if (released) {
                throw new IllegalStateException("mutex guard used after it was closed");
            }
        }
    }
}
