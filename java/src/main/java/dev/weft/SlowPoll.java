package dev.weft;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A task poll that blocked its worker longer than the runtime's slow-poll threshold, as the
 * watchdog saw it while the poll still ran (see {@link Runtime.Builder#slowPollThreshold} and
 * {@link Runtime.Builder#onSlowPoll}). Each slow poll is reported once.
 *
 * @param task    the task's {@code Async}: its class and identity hash, e.g.
 *                {@code com.example.Handler@1b6d3586} (its {@code toString()} is not called: the
 *                watchdog must never wait on the blocked task)
 * @param worker  the name of the worker thread it blocks
 * @param elapsed how long the poll had blocked when seen: at least this; it began at most about
 *                half a threshold (the watchdog's sampling interval) earlier
 * @param stack   the worker's stack then, innermost frame first; empty if the poll ended while
 *                the stack was being taken
 */
public record SlowPoll(String task, String worker, Duration elapsed, List<StackTraceElement> stack) {
    public SlowPoll {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(elapsed, "elapsed");
        stack = List.copyOf(stack);
    }
}
