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
 */
public record SlowPoll(String task, String worker, Duration elapsed, List<StackTraceElement> stack) {
    public SlowPoll {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(elapsed, "elapsed");
        stack = List.copyOf(stack);
    }
}
