package dev.weft.task;

/**
 * A pull-based asynchronous computation, in the manner of Rust's {@code Future}.
 *
 * <p>The runtime calls {@link #poll(Context)}; it returns {@link Poll#ready(Object)} when the
 * work is done, or {@link Poll#pending()} after handing {@code cx.waker()} to whatever it waits
 * on, which wakes it when progress is possible. A poll must not block. Throwing from a poll
 * completes the computation exceptionally. Once ready, an {@code Async} must not be polled
 * again.
 */
@FunctionalInterface
public interface Async<T> {
    Poll<T> poll(Context cx) throws Exception;
}
