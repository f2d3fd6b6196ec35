package dev.weft.bench.scheduler;

import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Holds the only thread of a one-worker pool in user code, so that a workload can be queued
 * behind it and timed from its release (drain_queued, {@link DrainPerTask}).
 */
final class WorkerHold {
    private WorkerHold() {
    }

    /**
     * Submits a task through {@code submit} that blocks until the returned latch is counted
     * down, and returns once that task runs.
     */
    static CountDownLatch hold(Consumer<Runnable> submit) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        submit.accept(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        return release;
    }
}
