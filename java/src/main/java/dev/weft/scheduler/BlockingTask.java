package dev.weft.scheduler;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code spawnBlocking} job: its {@link dev.weft.task.JoinHandle} and the runnable a blocking
 * thread runs. States: QUEUED to RUNNING (a pool thread took it, or an abort claimed it first, or
 * the pool shut down), then RUNNING to DONE once the outcome is written. An abort of a RUNNING job has no effect: blocking code
 * cannot be stopped safely from outside (it is interrupted only when shutdown times out).
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
final class BlockingTask<T> extends Completion<T> implements Runnable {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;

    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private Callable<T> job;

    BlockingTask(Callable<T> job) {
        this.job = job;
    }

    @Override
    public void run() {
        if (!state.compareAndSet(QUEUED, RUNNING)) {
            return;
        }
        Callable<T> j = job;
        job = null;
        Object outcome;
        try {
            outcome = valueOutcome(j.call());
        } catch (Throwable t) {
            outcome = new Failure(t);
        }
        setOutcome(outcome);
        state.set(DONE);
        wakeWaiters();
    }

    @Override
    boolean ended() {
        return state.get() == DONE;
    }

    @Override
    public void abort() {
        if (state.compareAndSet(QUEUED, RUNNING)) { // claim it, so the outcome is ours to write
            job = null;
            setOutcome(CANCELLED_OUTCOME);
            state.set(DONE);
            wakeWaiters();
        }
    }
}
