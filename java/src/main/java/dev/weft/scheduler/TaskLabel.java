package dev.weft.scheduler;

/**
 * How diagnostics name a task: the class of its {@code Async} and that object's identity hash,
 * e.g. {@code com.example.Handler@1b6d3586}; the same text in the watchdog's reports and in the
 * Flight Recorder events, so the two can be matched.
 *
 * <p>The user's {@code toString()} is deliberately not called: the watchdog names a task whose
 * poll is blocked, from another thread, and a {@code toString()} that waits for a lock that poll
 * holds would stop the watchdog for good.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
final class TaskLabel {
    private TaskLabel() {
    }

    static String of(Task<?> task) {
        Object future = task.future();
        if (future == null) {
            return "(ended task)"; // it completed between the sighting and this call
        }
        return future.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(future));
    }
}
