package dev.weft.scheduler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is searching for work and who is parked, and the rules that keep wakes from being lost
 * without waking everyone.
 *
 * <p><b>State.</b> One atomic word packs {@code unparked} (workers not parked, high 16 bits) and
 * {@code searching} (workers stealing, low 16 bits); a lock guards the stack of parked workers.
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>At most half the workers search at once ({@link #tryStartSearching}); searching is
 *       costly and more searchers only contend.</li>
 *   <li>A worker that makes work available ({@link #notifyWork}) wakes one parked worker, but
 *       only when nobody searches (a searcher will find the work) and someone is parked. The
 *       woken worker starts out searching, so a burst of pushes wakes one worker, not all.</li>
 *   <li>A searcher that finds work and was the last searcher wakes another if work is left
 *       queued ({@link #stopSearching} returns true; the worker checks the queues), so parked
 *       workers come up one at a time as long as work remains, and none for nothing.</li>
 *   <li>A worker parks in two steps: {@link #announcePark} (it leaves {@code unparked}, and
 *       {@code searching} if it was searching, and joins the stack), then, if it was the last
 *       searcher, rescans every queue and wakes someone if it finds work, then blocks.</li>
 * </ul>
 * <b>No lost wake.</b> A producer writes its queue, then reads the state word; a parker writes the
 * state word, then reads the queues. Both are sequentially consistent, so either the parker sees
 * the work, or the producer sees one less searcher and wakes a parked worker (whose poller wakeup
 * is remembered by its {@code WakeupLatch} even if it has not blocked yet).
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
final class Idle {
    private static final int SEARCH_MASK = 0xFFFF;
    private static final int UNPARK_ONE = 1 << 16;

    private final AtomicInteger state;
    private final int workers;
    private final int[] sleepers;
    private int sleeperCount;
    private final boolean[] parked;

    Idle(int workers) {
        if (workers < 1 || workers > SEARCH_MASK) {
            throw new IllegalArgumentException("workers must be in [1, 65535]: " + workers);
        }
        this.workers = workers;
        this.state = new AtomicInteger(workers * UNPARK_ONE);
        this.sleepers = new int[workers];
        this.parked = new boolean[workers];
    }

    static int searching(int s) {
        return s & SEARCH_MASK;
    }

    static int unparked(int s) {
        return s >>> 16;
    }

    int numSearching() {
        return searching(state.get());
    }

    int numUnparked() {
        return unparked(state.get());
    }

    /** Becomes a searcher unless half the workers already search. */
    boolean tryStartSearching() {
        int s = state.get();
        for (;;) {
            if (2 * searching(s) >= workers) {
                return false;
            }
            int witness = state.compareAndExchange(s, s + 1);
            if (witness == s) {
                return true;
            }
            s = witness;
        }
    }

    /**
     * Stops searching (found work). Returns true if it was the last searcher: the caller must
     * then {@link #notifyWork} if any work is left queued.
     */
    boolean stopSearching() {
        return searching(state.getAndDecrement()) == 1;
    }

    /**
     * Returns the index of a parked worker that the caller must unpark, or -1. The chosen worker
     * is counted as unparked and searching from now on.
     */
    int notifyWork() {
        int s = state.get();
        if (searching(s) != 0 || unparked(s) >= workers) {
            return -1; // a searcher will find it, or nobody sleeps
        }
        synchronized (this) {
            s = state.get();
            if (searching(s) != 0 || sleeperCount == 0) {
                return -1;
            }
            int w = sleepers[--sleeperCount];
            parked[w] = false;
            state.addAndGet(UNPARK_ONE + 1);
            return w;
        }
    }

    /**
     * Worker {@code index} is about to park. Returns true if it was the last searcher, in which
     * case it must rescan all queues before blocking.
     */
    boolean announcePark(int index, boolean searching) {
        synchronized (this) {
            int delta = UNPARK_ONE + (searching ? 1 : 0);
            int prev = state.getAndAdd(-delta);
            sleepers[sleeperCount++] = index;
            parked[index] = true;
            return searching && searching(prev) == 1;
        }
    }

    /**
     * Worker {@code index} returned from its blocking wait. Returns true if it was woken by
     * {@link #notifyWork} (and so is already counted as unparked and searching); false if it woke
     * on its own (I/O, timeout, inbox), in which case it is taken off the stack and counted as
     * unparked, not searching.
     */
    boolean returnFromPark(int index) {
        synchronized (this) {
            if (!parked[index]) {
                return true;
            }
            parked[index] = false;
            for (int i = 0; i < sleeperCount; i++) {
                if (sleepers[i] == index) {
                    sleepers[i] = sleepers[--sleeperCount];
                    break;
                }
            }
            state.addAndGet(UNPARK_ONE);
            return false;
        }
    }

    /** Some parked worker's index (left on the stack), or -1. */
    synchronized int anyParked() {
        return sleeperCount == 0 ? -1 : sleepers[sleeperCount - 1];
    }

    /** Whether worker {@code index} is on the parked stack. */
    synchronized boolean isParked(int index) {
        return parked[index];
    }
}
