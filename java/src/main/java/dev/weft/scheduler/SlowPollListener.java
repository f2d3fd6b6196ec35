package dev.weft.scheduler;

/**
 * Told by the {@link SlowPollWatchdog} about each poll that blocked its worker past the threshold,
 * once per poll, on the watchdog's thread (see the public {@code dev.weft.SlowPoll}).
 */
@FunctionalInterface
public interface SlowPollListener {
    /**
     * @param task         the stack frame where the worker entered the task's poll (see {@link SlowPollWatchdog})
     * @param worker       the worker thread's name
     * @param elapsedNanos how long the poll had blocked when seen (at least this)
     * @param stack        the worker's stack then, innermost frame first
     * @param heldBack     tasks queued on that worker that no other worker can take meanwhile
     */
    void slowPoll(String task, String worker, long elapsedNanos, StackTraceElement[] stack, int heldBack);
}
