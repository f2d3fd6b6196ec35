package dev.weft.net;

import dev.weft.scheduler.Worker;
import dev.weft.task.Async;
import java.time.Duration;

/**
 * The delays {@code dev.weft.net} waits out (the accept back-off), in one place.
 *
 * <p>Until the timer wheel is wired into the workers, a delay is a job on the runtime's blocking
 * pool that sleeps and completes: the waiting task is parked (woken by the job's completion),
 * nothing spins, and the cost is one pooled thread for the duration, acceptable for a back-off
 * that happens only when the process runs out of descriptors.
 *
 * <p>Thread-safety: stateless.
 */
final class Sleeps {
    private Sleeps() {
    }

    /** Completes after {@code delay}; must be polled by a Weft task. */
    static Async<Void> sleep(Duration delay) {
        Worker w = Worker.current();
        if (w == null) {
            throw new IllegalStateException("a Weft delay must be started from a Weft task");
        }
        long millis = delay.toMillis();
        return w.scheduler().spawnBlocking(() -> {
            Thread.sleep(millis);
            return null;
        });
    }
}
