package dev.weft.task;

/**
 * Something that puts a pending task back on a run queue.
 *
 * <p>Whatever a task waits on (a socket registration, a timer entry, a channel) keeps the
 * {@code Waker} it was handed in {@link Context#waker()} and calls {@link #wake()} once the
 * task can make progress. Waking is idempotent until the task is polled again, safe from any
 * thread, and never runs the task inline.
 */
@FunctionalInterface
public interface Waker {
    /** Schedules the task to be polled again. Cheap, non-blocking, callable from any thread. */
    void wake();
}
