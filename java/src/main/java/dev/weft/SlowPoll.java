package dev.weft;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A task poll that blocked its worker longer than the runtime's slow-poll threshold, as the
 * watchdog saw it while the poll still ran (see {@link Runtime.Builder#slowPollThreshold} and
 * {@link Runtime.Builder#onSlowPoll}). Each slow poll is reported once.
 *
 * @param task    where the worker entered the task's code: the stack frame the scheduler's poll
 *                called, e.g. {@code com.example.Handler.poll(Handler.java:42)} (for a task built
 *                with combinators, the outermost combinator's; the stack shows the rest). The
 *                scheduler keeps no reference to the polled task, so this is what names it.
 * @param worker  the name of the worker thread it blocks
 * @param elapsed how long the poll had blocked when seen: at least this; it began at most about
 *                half a threshold (the watchdog's sampling interval) earlier
 * @param stack   the worker's stack then, innermost frame first
 * @param heldBack tasks queued on that worker that no other worker can take while it blocks: the
 *                one in its LIFO slot (the last task woken or spawned by a poll there) and the
 *                rest of the batch it took from the runtime's shared queue; they run when the poll
 *                returns. (The tasks in its local queue are not counted: idle workers steal them.)
 */
public record SlowPoll(String task, String worker, Duration elapsed, List<StackTraceElement> stack, int heldBack) {
    public SlowPoll {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(elapsed, "elapsed");
        stack = List.copyOf(stack);
        if (heldBack < 0) {
            throw new IllegalArgumentException("heldBack must not be negative: " + heldBack);
        }
    }
}
