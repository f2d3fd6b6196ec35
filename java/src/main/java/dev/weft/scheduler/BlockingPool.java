package dev.weft.scheduler;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The elastic pool behind {@code spawnBlocking}: threads are started on demand up to a cap and
 * leave after idling for the keep-alive; jobs beyond the cap wait in a FIFO queue.
 *
 * <p><b>Rule.</b> A submit hands its job to an idle thread if there is one (signal), else starts
 * a thread if under the cap, else queues it for the next thread to free up. {@code idle} counts
 * threads waiting on the condition, so a submit never starts a thread while another is idle.
 *
 * <p><b>Shutdown.</b> Stops taking jobs, cancels the queued ones, lets running ones finish until
 * the deadline, then interrupts what is still running and waits for it briefly.
 *
 * <p>Thread-safety: every method is safe from any thread; one lock guards the state.
 */
final class BlockingPool {
    private final String namePrefix;
    private final int cap;
    private final long keepAliveNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<BlockingTask<?>> queue = new ArrayDeque<>();
    private final Set<Thread> threads = new HashSet<>();
    private int idle;
    private int created;
    private boolean shutdown;

    BlockingPool(String namePrefix, int cap, long keepAliveNanos) {
        this.namePrefix = namePrefix;
        this.cap = cap;
        this.keepAliveNanos = keepAliveNanos;
    }

    void submit(BlockingTask<?> job) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("runtime is closed: spawnBlocking refused");
            }
            queue.add(job);
            if (idle > 0) {
                work.signal();
            } else if (threads.size() < cap) {
                Thread t = new Thread(this::serve, namePrefix + "blocking-" + created++);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        } finally {
            lock.unlock();
        }
    }

    private void serve() {
        lock.lock();
        try {
            for (;;) {
                BlockingTask<?> job = queue.poll();
                if (job != null) {
                    lock.unlock();
                    try {
                        job.run();
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                if (shutdown) {
                    break;
                }
                idle++;
                long left;
                try {
                    left = work.awaitNanos(keepAliveNanos);
                } catch (InterruptedException e) {
                    left = 0; // shutdown's interrupt: loop re-checks
                } finally {
                    idle--;
                }
                if (left <= 0 && queue.isEmpty()) {
                    break; // idled out (or interrupted with nothing to do)
                }
            }
        } finally {
            threads.remove(Thread.currentThread());
            lock.unlock();
        }
    }

    int threadCount() {
        lock.lock();
        try {
            return threads.size();
        } finally {
            lock.unlock();
        }
    }

    int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private static void joinAll(Set<Thread> threads, long deadlineNanos) throws InterruptedException {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
    }

    /**
     * Shuts down; returns true if every pool thread ended by {@code deadlineNanos} (a
     * {@link System#nanoTime()} value), false if some were still running (after an interrupt).
     */
    boolean shutdown(long deadlineNanos) throws InterruptedException {
        Set<Thread> running;
        lock.lock();
        try {
            shutdown = true;
            BlockingTask<?> job;
            while ((job = queue.poll()) != null) {
                job.abort();
            }
            work.signalAll();
            running = new HashSet<>(threads);
        } finally {
            lock.unlock();
        }
        // Let running jobs finish until shortly before the deadline, then interrupt the rest and
        // use the remaining grace (a quarter of the time, at most 250 ms) for them to unwind.
        long grace = Math.min(TimeUnit.MILLISECONDS.toNanos(250), Math.max(0, deadlineNanos - System.nanoTime()) / 4);
        joinAll(running, deadlineNanos - grace);
        for (Thread t : running) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        joinAll(running, deadlineNanos);
        boolean clean = true;
        for (Thread t : running) {
            clean &= !t.isAlive();
        }
        return clean;
    }
}
