package dev.weft.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Every live task of a scheduler, so that shutdown can cancel the ones no queue holds (those
 * waiting on a socket, a timer, a channel).
 *
 * <p><b>Algorithm.</b> Tasks are linked into one of a power-of-two number of intrusive doubly
 * linked lists (through {@link Task#prevLive}/{@link Task#nextLive}), each with its own lock, so
 * adding and removing allocate nothing and rarely contend: a worker adds to its own shard, and
 * a task is removed from the shard it was added to. {@link #close()} sets a flag under every
 * shard lock; an add under a shard lock after that fails. So once closed, {@link #drain()} sees
 * every task that was ever added and not yet removed.
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
final class TaskRegistry {
    private static final class Shard {
        Task<?> head;
        int size;
        boolean closed;
        // Padding keeps shard locks off each other's cache lines.
        @SuppressWarnings("unused") long p1, p2, p3, p4, p5, p6;
    }

    private final Shard[] shards;
    private final int mask;

    TaskRegistry(int workers) {
        int n = Integer.highestOneBit(Math.max(1, workers * 4) - 1) << 1;
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
        mask = n - 1;
    }

    /** Adds {@code t} to shard {@code hint}; false if the registry is closed. */
    boolean add(Task<?> t, int hint) {
        int i = hint & mask;
        Shard s = shards[i];
        synchronized (s) {
            if (s.closed) {
                return false;
            }
            t.shard = i;
            t.nextLive = s.head;
            if (s.head != null) {
                s.head.prevLive = t;
            }
            s.head = t;
            s.size++;
            return true;
        }
    }

    void remove(Task<?> t) {
        Shard s = shards[t.shard];
        synchronized (s) {
            Task<?> prev = t.prevLive;
            Task<?> next = t.nextLive;
            if (prev == null) {
                if (s.head != t) {
                    return; // not (or no longer) linked
                }
                s.head = next;
            } else {
                prev.nextLive = next;
            }
            if (next != null) {
                next.prevLive = prev;
            }
            t.prevLive = null;
            t.nextLive = null;
            s.size--;
        }
    }

    /** Live tasks right now. */
    int size() {
        int n = 0;
        for (Shard s : shards) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    /** Refuses further adds. */
    void close() {
        for (Shard s : shards) {
            synchronized (s) {
                s.closed = true;
            }
        }
    }

    /** A snapshot of the live tasks (after {@link #close()}: all of them). */
    List<Task<?>> drain() {
        List<Task<?>> out = new ArrayList<>();
        for (Shard s : shards) {
            synchronized (s) {
                for (Task<?> t = s.head; t != null; t = t.nextLive) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
