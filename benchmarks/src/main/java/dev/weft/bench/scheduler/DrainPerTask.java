package dev.weft.bench.scheduler;

import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.Poll;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * A probe of the bare per-task cost of taking a queued task, running it and ending it, with no
 * thread wake-up in the timing: drain_queued's workload (10,000 no-op tasks queued from a plain
 * thread behind the only worker, held in user code) timed from inside, from the first task's
 * start to the last task's end, so the release and the final hand-off (tens of microseconds each
 * on a virtual machine, the same for both runtimes) drop out. Reported per runtime: nanoseconds
 * per task, median and 10th percentile over the rounds (the 10th percentile is the quiet-machine
 * figure), and the Weft/FJP ratio of medians. One worker and a one-thread ForkJoinPool, rounds
 * interleaved so the machine's drift hits both alike. Each queued task is the runtime's least
 * object: Weft's task around a shared {@code Async}, ForkJoinPool's wrapper around a shared
 * {@code Runnable}.
 *
 * <p>Usage: {@code java -cp benchmarks/target/weft-benchmarks.jar
 * dev.weft.bench.scheduler.DrainPerTask [rounds]}, default 400. Not a JMH benchmark: the timing
 * is taken inside the worker.
 */
public final class DrainPerTask {
    private static final int TASKS = 10_000;

    /** Written by the only worker of the runtime under test; read by the main thread after {@code done}. */
    private static long first;
    private static long last;
    private static int ran;
    private static CountDownLatch done;

    private static final Async<Void> ONE = cx -> {
        one();
        return Poll.ready(null);
    };

    private static void one() {
        if (ran == 0) {
            first = System.nanoTime();
        }
        if (++ran == TASKS) {
            last = System.nanoTime();
            done.countDown(); // publishes the fields above to the main thread
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        if (rounds < 10) {
            throw new IllegalArgumentException("rounds must be at least 10: " + rounds);
        }
        double[] weft = new double[rounds];
        double[] fjp = new double[rounds];
        try (Runtime rt = Runtime.builder().workers(1).threadNamePrefix("probe-drain-").build()) {
            ForkJoinPool pool = new ForkJoinPool(1);
            try {
                Consumer<Runnable> holdWeft = r -> rt.spawn(cx -> {
                    r.run();
                    return Poll.ready(null);
                });
                for (int r = 0; r < rounds; r++) {
                    weft[r] = round(holdWeft, () -> rt.spawn(ONE));
                    fjp[r] = round(pool::execute, () -> pool.execute(DrainPerTask::one));
                }
            } finally {
                pool.shutdown();
            }
        }
        Arrays.sort(weft);
        Arrays.sort(fjp);
        double w = weft[rounds / 2];
        double f = fjp[rounds / 2];
        System.out.printf("ns per queued task (%d tasks, %d rounds): Weft p50 %.1f p10 %.1f | ForkJoinPool p50 %.1f p10 %.1f"
                + " | Weft/FJP %.2f (p10 %.2f)%n", TASKS, rounds, w, weft[rounds / 10], f, fjp[rounds / 10], w / f,
                weft[rounds / 10] / fjp[rounds / 10]);
    }

    /** Holds the worker with {@code hold}, queues the tasks behind it with {@code queueOne}, releases it; returns ns per task. */
    private static double round(Consumer<Runnable> hold, Runnable queueOne) throws InterruptedException {
        CountDownLatch release = WorkerHold.hold(hold);
        ran = 0;
        done = new CountDownLatch(1);
        for (int i = 0; i < TASKS; i++) {
            queueOne.run();
        }
        release.countDown();
        done.await();
        return (last - first) / (double) TASKS;
    }
}
