package dev.weft.scheduler;

/**
 * How a {@code dev.weft.TaskPoll} Flight Recorder event names its task: the class of its
 * {@code Async} and that object's identity hash, e.g. {@code com.example.Handler@1b6d3586}. The
 * user's {@code toString()} is not called: it runs on the worker, after a poll that was slow
 * already, and may be anything.
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
