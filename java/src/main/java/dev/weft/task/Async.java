package dev.weft.task;

/**
 * A pull-based asynchronous computation, in the manner of Rust's {@code Future}.
 *
 * <p>The runtime calls {@link #poll(Context)}; it returns {@link Poll#ready(Object)} when the
 * work is done, or {@link Poll#pending()} after handing {@code cx.waker()} to whatever it waits
 * on, which wakes it when progress is possible. A poll must not block. Throwing from a poll
 * completes the computation exceptionally. Once ready, an {@code Async} must not be polled
 * again.
 *
 * <p><b>Cancellation.</b> Java has no destructor, so an {@code Async} abandoned before it
 * completed (its task aborted, its runtime closed, a {@code race} lost, a {@code timeout} fired)
 * is told so through {@link #cancel()}. Anything that registered itself somewhere on a poll (a
 * waiter node in a channel, a timer entry, a half-acquired permit) releases it there, so no
 * ghost waiter is left and nothing is lost. Combinators forward {@code cancel()} to the children
 * they are still polling.
 */
@FunctionalInterface
public interface Async<T> {

    Poll<T> poll(Context cx) throws Exception;

    /**
     * Called at most once, when this computation is abandoned before it completed; never
     * concurrently with {@link #poll(Context)}, but possibly from another thread than the last
     * poll. Must not block. The default holds nothing and does nothing.
     */
    default void cancel() {
    }
}
