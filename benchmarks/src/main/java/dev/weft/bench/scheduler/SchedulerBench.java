package dev.weft.bench.scheduler;

import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.sync.Oneshot;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scheduler workloads (after Tokio's runtime benchmarks), each on a 2-worker Weft runtime and on a
 * 2-thread {@link ForkJoinPool} written the way FJP is normally used, in the same JVM and run:
 * <ul>
 *   <li>spawn_many_local: one task spawns 10,000 no-op tasks; wait until all ran;</li>
 *   <li>spawn_many_remote_idle: 10,000 tasks spawned from outside; await every handle;</li>
 *   <li>yield_many: 200 tasks that yield 1,000 times each;</li>
 *   <li>chained_spawn: a chain of 1,000 tasks, each spawning the next;</li>
 *   <li>ping_pong: 1,000 pairs of tasks exchanging a ping and a pong through oneshot channels
 *       (Weft: {@code dev.weft.sync.Oneshot}; FJP: {@code CompletableFuture}s completed on the pool).</li>
 *   <li>drain_queued (a diagnostic, no target; one worker/thread each, in {@link Drain}): 10,000
 *       no-op tasks queued from outside while the only worker is held in user code, timed from
 *       the release until all ran. No hand-off happens in between (only the two at its ends), so
 *       this is the cost of taking a queued task, running it and ending it, which the workloads
 *       above mix with cross-thread wake-ups.</li>
 * </ul>
 * Method names are {@code <workload>_<weft|fjp>}; scripts/bench.d/scheduler.sh pairs them.
 * {@code -Dweft.bench.chain=N} (a JMH {@code -jvmArgsAppend}) changes the chain's length: a long
 * chain shows the per-link cost, a chain of 1 the cost of the cross-thread hand-offs alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SchedulerBench {
    static final int SPAWN_MANY = 10_000;
    static final int YIELD_TASKS = 200;
    static final int YIELDS = 1_000;
    static final int CHAIN = Integer.getInteger("weft.bench.chain", 1_000);
    static final int PAIRS = 1_000;
    static final int DRAIN = 10_000;

    Runtime rt;
    ForkJoinPool fjp;

    @Setup(Level.Trial)
    public void setUp() {
        rt = Runtime.builder().workers(Integer.getInteger("weft.bench.workers", 2)).threadNamePrefix("bench-weft-").build();
        fjp = new ForkJoinPool(Integer.getInteger("weft.bench.workers", 2));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        rt.close();
        fjp.shutdown();
        fjp.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Counts down; the last one opens the latch. */
    static final class Countdown {
        final AtomicInteger left;
        final CountDownLatch done = new CountDownLatch(1);

        Countdown(int n) {
            left = new AtomicInteger(n);
        }

        void one() {
            if (left.decrementAndGet() == 0) {
                done.countDown();
            }
        }

        void await() throws InterruptedException {
            done.await();
        }
    }

    // ---- spawn_many_local ----

    @Benchmark
    public void spawn_many_local_weft() throws InterruptedException {
        Countdown c = new Countdown(SPAWN_MANY);
        rt.spawn(cx -> {
            for (int i = 0; i < SPAWN_MANY; i++) {
                Weft.spawn(cx2 -> {
                    c.one();
                    return Poll.ready(null);
                });
            }
            return Poll.ready(null);
        });
        c.await();
    }

    @Benchmark
    public void spawn_many_local_fjp() throws InterruptedException {
        Countdown c = new Countdown(SPAWN_MANY);
        fjp.execute(() -> {
            for (int i = 0; i < SPAWN_MANY; i++) {
                ForkJoinTask.adapt(c::one).fork();
            }
        });
        c.await();
    }

    // ---- spawn_many_remote_idle ----

    @Benchmark
    public void spawn_many_remote_idle_weft() throws InterruptedException {
        @SuppressWarnings("unchecked")
        JoinHandle<Object>[] hs = new JoinHandle[SPAWN_MANY];
        for (int i = 0; i < SPAWN_MANY; i++) {
            hs[i] = rt.spawn(cx -> Poll.ready(null));
        }
        for (JoinHandle<Object> h : hs) {
            h.join();
        }
    }

    @Benchmark
    public void spawn_many_remote_idle_fjp() throws Exception {
        Future<?>[] fs = new Future<?>[SPAWN_MANY];
        for (int i = 0; i < SPAWN_MANY; i++) {
            fs[i] = fjp.submit(() -> null);
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }

    // ---- yield_many ----

    /** Yields {@code YIELDS} times, then counts down. */
    static final class Yielder implements Async<Void> {
        final Countdown c;
        int left = YIELDS;

        Yielder(Countdown c) {
            this.c = c;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (--left > 0) {
                cx.deferWake();
                return Poll.pending();
            }
            c.one();
            return Poll.ready(null);
        }
    }

    @Benchmark
    public void yield_many_weft() throws InterruptedException {
        Countdown c = new Countdown(YIELD_TASKS);
        for (int i = 0; i < YIELD_TASKS; i++) {
            rt.spawn(new Yielder(c));
        }
        c.await();
    }

    /**
     * FJP's yield: the task re-submits itself to the pool. In the default (LIFO) mode a worker
     * pops its own latest push first, so each task runs its 1,000 turns back to back rather than
     * in turn with the others (checked: three such tasks on one thread ran CCCCCBBBBBAAAAA);
     * Weft's yield goes to the back of the queue. An ad-hoc run of the same workload on an
     * asyncMode (FIFO) pool, where re-submission does go to the back, measured no slower than
     * this (medians 2409-2677 against 2631-2843 us), so the row stays FJP's usual way.
     */
    static final class FjpYielder implements Runnable {
        final ForkJoinPool pool;
        final Countdown c;
        int left = YIELDS;

        FjpYielder(ForkJoinPool pool, Countdown c) {
            this.pool = pool;
            this.c = c;
        }

        @Override
        public void run() {
            if (--left > 0) {
                pool.execute(this);
            } else {
                c.one();
            }
        }
    }

    @Benchmark
    public void yield_many_fjp() throws InterruptedException {
        Countdown c = new Countdown(YIELD_TASKS);
        for (int i = 0; i < YIELD_TASKS; i++) {
            fjp.execute(new FjpYielder(fjp, c));
        }
        c.await();
    }

    // ---- chained_spawn ----

    static Async<Void> chain(int n, CountDownLatch done) {
        return cx -> {
            if (n == 0) {
                done.countDown();
            } else {
                Weft.spawn(chain(n - 1, done));
            }
            return Poll.ready(null);
        };
    }

    @Benchmark
    public void chained_spawn_weft() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        rt.spawn(chain(CHAIN, done));
        done.await();
    }

    static Runnable fjpChain(ForkJoinPool pool, int n, CountDownLatch done) {
        return () -> {
            if (n == 0) {
                done.countDown();
            } else {
                pool.execute(fjpChain(pool, n - 1, done));
            }
        };
    }

    @Benchmark
    public void chained_spawn_fjp() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        fjp.execute(fjpChain(fjp, CHAIN, done));
        done.await();
    }

    // ---- ping_pong ----

    /** One pair: spawns the responder, sends the ping, awaits the pong. */
    static final class Pinger implements Async<Void> {
        final Countdown c;
        Oneshot<Integer> pong;

        Pinger(Countdown c) {
            this.c = c;
        }

        @Override
        public Poll<Void> poll(Context cx) throws Exception {
            if (pong == null) {
                Oneshot<Integer> ping = new Oneshot<>();
                pong = new Oneshot<>();
                Oneshot<Integer> reply = pong;
                Weft.spawn(ping.map(v -> reply.send(v + 1)));
                ping.send(1);
            }
            if (pong.poll(cx).isPending()) {
                return Poll.pending();
            }
            c.one();
            return Poll.ready(null);
        }
    }

    @Benchmark
    public void ping_pong_weft() throws InterruptedException {
        Countdown c = new Countdown(PAIRS);
        rt.spawn(cx -> {
            for (int i = 0; i < PAIRS; i++) {
                Weft.spawn(new Pinger(c));
            }
            return Poll.ready(null);
        });
        c.await();
    }

    @Benchmark
    public void ping_pong_fjp() throws InterruptedException {
        Countdown c = new Countdown(PAIRS);
        ForkJoinPool pool = fjp;
        pool.execute(() -> {
            for (int i = 0; i < PAIRS; i++) {
                pool.execute(() -> {
                    CompletableFuture<Integer> ping = new CompletableFuture<>();
                    CompletableFuture<Integer> pong = new CompletableFuture<>();
                    pool.execute(() -> ping.thenAcceptAsync(v -> pong.complete(v + 1), pool));
                    ping.complete(1);
                    pong.thenRunAsync(c::one, pool);
                });
            }
        });
        c.await();
    }

    // ---- drain_queued (diagnostic) ----

    /**
     * One-worker pools of both kinds, and per invocation, outside the timing: the worker held in a
     * task blocked on {@code release}, {@code DRAIN} tasks queued behind it from this thread.
     * (One worker: with two, the two holders can land behind the same blocked worker, and a
     * ForkJoinPool then never wakes its second thread.)
     */
    @State(Scope.Thread)
    public static class Drain {
        Runtime rt;
        ForkJoinPool fjp;
        CountDownLatch release;
        Countdown done;

        @Setup(Level.Trial)
        public void start() {
            rt = Runtime.builder().workers(1).threadNamePrefix("bench-drain-").build();
            fjp = new ForkJoinPool(1);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            rt.close();
            fjp.shutdown();
            fjp.awaitTermination(10, TimeUnit.SECONDS);
        }

        /** Holds the worker through {@code submit} (returns once the holder runs), then a fresh countdown. */
        Countdown hold(java.util.function.Consumer<Runnable> submit) throws InterruptedException {
            release = WorkerHold.hold(submit);
            done = new Countdown(DRAIN);
            return done;
        }

        void drain() throws InterruptedException {
            release.countDown();
            done.await();
        }
    }

    /** {@link Drain} with the Weft runtime's worker held. */
    @State(Scope.Thread)
    public static class DrainWeft extends Drain {
        @Setup(Level.Invocation)
        public void queue() throws InterruptedException {
            Countdown c = hold(body -> rt.spawn(cx -> {
                body.run();
                return Poll.ready(null);
            }));
            for (int i = 0; i < DRAIN; i++) {
                rt.spawn(cx -> {
                    c.one();
                    return Poll.ready(null);
                });
            }
        }
    }

    /** {@link Drain} with the ForkJoinPool's thread held. */
    @State(Scope.Thread)
    public static class DrainFjp extends Drain {
        @Setup(Level.Invocation)
        public void queue() throws InterruptedException {
            Countdown c = hold(fjp::execute);
            for (int i = 0; i < DRAIN; i++) {
                fjp.execute(c::one);
            }
        }
    }

    @Benchmark
    public void drain_queued_weft(DrainWeft d) throws InterruptedException {
        d.drain();
    }

    @Benchmark
    public void drain_queued_fjp(DrainFjp d) throws InterruptedException {
        d.drain();
    }
}
