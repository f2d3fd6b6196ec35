package dev.weft.task;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The handle of a spawned task: awaitable from another task (it is an {@link Async} itself),
 * joinable from a plain thread, abortable, and convertible to a {@link CompletableFuture}.
 *
 * <p><b>Outcomes.</b> A task ends in exactly one of three ways, and every way of observing it
 * agrees:
 * <ul>
 *   <li><i>value</i>: {@link #poll(Context)} returns it ready, {@link #join()} returns it, the
 *       future completes normally with it;</li>
 *   <li><i>failure</i> (the task's poll threw {@code e}): {@code poll} and {@code join} throw a
 *       {@link CompletionException} whose cause is {@code e}; the future completes
 *       exceptionally with {@code e};</li>
 *   <li><i>cancelled</i> (aborted, or its runtime closed first): {@code poll} and {@code join}
 *       throw a {@link CancellationException}; the future is cancelled.</li>
 * </ul>
 *
 * <p>Abandoning a {@code JoinHandle} (for example as the loser of a {@code race}) detaches from
 * the task; it does not abort it. Call {@link #abort()} for that.
 *
 * <p>Thread-safety: every method may be called from any thread, concurrently.
 */
public abstract class JoinHandle<T> implements Async<T> {

    protected JoinHandle() {
    }

    /**
     * Ready with the task's value once it is done; throws as described in the class comment for
     * a failed or cancelled task. While the task runs, registers {@code cx.waker()} to be woken
     * when it ends.
     */
    @Override
    public abstract Poll<T> poll(Context cx);

    /**
     * Waits (blocking the calling thread, which must not be a runtime worker) until the task is
     * done, and returns its value.
     *
     * @throws CompletionException   the task failed; the cause is what its poll threw
     * @throws CancellationException the task was aborted or its runtime closed first
     * @throws InterruptedException  the calling thread was interrupted while waiting
     */
    public abstract T join() throws InterruptedException;

    /**
     * Like {@link #join()}, waiting at most {@code timeout}. A timeout leaves the task running.
     *
     * @throws TimeoutException the task was not done within {@code timeout}
     * @throws IllegalArgumentException {@code timeout} is negative
     */
    public abstract T join(Duration timeout) throws InterruptedException, TimeoutException;

    /**
     * Asks the task to stop. A task not being polled is cancelled at once (its {@code cancel()}
     * runs on this thread); a task being polled is cancelled when that poll returns, unless that
     * poll completes it, in which case its value stands. A task already done is unaffected.
     * Idempotent.
     */
    public abstract void abort();

    /** Whether the task has ended (with a value, a failure or cancelled). */
    public abstract boolean isDone();

    /** Whether the task ended cancelled. */
    public abstract boolean isCancelled();

    /**
     * A future completed with the task's outcome (see the class comment). Cancelling the
     * returned future does not abort the task. Repeated calls return the same future.
     */
    public abstract CompletableFuture<T> toCompletableFuture();
}
