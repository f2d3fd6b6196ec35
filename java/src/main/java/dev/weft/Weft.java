package dev.weft;

import dev.weft.task.Async;
import dev.weft.task.JoinHandle;

import java.util.concurrent.Callable;

/**
 * Static entry points for code running inside a runtime: they find the runtime through the
 * current worker thread (a field of the worker, no {@code ThreadLocal}).
 *
 * <p>Thread-safety: safe from any worker thread; from other threads {@link #spawn} and
 * {@link #spawnBlocking} throw {@link IllegalStateException} (use a {@link Runtime} directly).
 */
public final class Weft {
    private Weft() {
    }

    /** Spawns {@code async} on the current runtime (on the calling worker's queue). */
    public static <T> JoinHandle<T> spawn(Async<T> async) {
        return current("spawn").spawn(async);
    }

    /** Runs {@code job} on the current runtime's blocking pool. */
    public static <T> JoinHandle<T> spawnBlocking(Callable<T> job) {
        return current("spawnBlocking").spawnBlocking(job);
    }

    /** Pending once (re-polled after the worker's next poller turn and its queued tasks), then ready. */
    public static Async<Void> yieldNow() {
        return Async.yieldNow();
    }

    private static Runtime current(String what) {
        Runtime rt = Runtime.current();
        if (rt == null) {
            throw new IllegalStateException("Weft." + what + "() called on " + Thread.currentThread().getName()
                    + ", which is not a Weft worker; use Runtime." + what + "()");
        }
        return rt;
    }
}
