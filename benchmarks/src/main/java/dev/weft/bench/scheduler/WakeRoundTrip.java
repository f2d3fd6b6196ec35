package dev.weft.bench.scheduler;

import dev.weft.Runtime;
import dev.weft.task.Poll;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.LockSupport;

/**
 * A probe of what spinning before parking buys and costs: a plain thread hands one task to the
 * runtime and waits for it, again and again, with a pause between requests (a lightly loaded
 * server's pattern: each request finds the workers idle or spinning). Reported per setup: the
 * round trip's median and 90th percentile, and the process CPU time per request (every thread:
 * the workers' spinning shows here). Setups: Weft with each spin given, and a ForkJoinPool, two
 * threads each, rounds interleaved so the machine's drift hits all alike.
 *
 * <p>Usage: {@code java -cp benchmarks/target/weft-benchmarks.jar
 * dev.weft.bench.scheduler.WakeRoundTrip [gapMicros [spinMicros...]]}, defaults 200 and 0 50.
 * Not a JMH benchmark: JMH times operations back to back, and this needs the idle gaps.
 */
public final class WakeRoundTrip {
    private static final int REQUESTS = 5_000;
    private static final int ROUNDS = 5;

    private interface Setup extends AutoCloseable {
        void submit(Runnable r);

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        long gapNanos = (args.length > 0 ? Long.parseLong(args[0]) : 200) * 1_000;
        List<Long> spins = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            spins.add(Long.parseLong(args[i]));
        }
        if (spins.isEmpty()) {
            spins = List.of(0L, 50L);
        }
        List<String> names = new ArrayList<>();
        List<Setup> setups = new ArrayList<>();
        for (long spin : spins) {
            Runtime rt = Runtime.builder().workers(2).threadNamePrefix("probe-spin" + spin + "-")
                    .spinBeforePark(Duration.ofNanos(spin * 1_000)).build();
            names.add("Weft, spin " + spin + " us");
            setups.add(new Setup() {
                public void submit(Runnable r) {
                    rt.spawn(cx -> {
                        r.run();
                        return Poll.ready(null);
                    });
                }

                public void close() {
                    rt.close();
                }
            });
        }
        ForkJoinPool fjp = new ForkJoinPool(2);
        names.add("ForkJoinPool");
        setups.add(new Setup() {
            public void submit(Runnable r) {
                fjp.execute(r);
            }

            public void close() {
                fjp.shutdown();
            }
        });

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[][] p50 = new long[setups.size()][ROUNDS];
        long[][] p90 = new long[setups.size()][ROUNDS];
        long[][] cpu = new long[setups.size()][ROUNDS];
        long[] lat = new long[REQUESTS];
        for (int round = -1; round < ROUNDS; round++) { // round -1 warms up
            for (int s = 0; s < setups.size(); s++) {
                long cpu0 = os.getProcessCpuTime();
                for (int i = 0; i < REQUESTS; i++) {
                    CountDownLatch done = new CountDownLatch(1);
                    long t0 = System.nanoTime();
                    setups.get(s).submit(done::countDown);
                    done.await();
                    lat[i] = System.nanoTime() - t0;
                    LockSupport.parkNanos(gapNanos);
                }
                long used = os.getProcessCpuTime() - cpu0;
                if (round >= 0) {
                    Arrays.sort(lat);
                    p50[s][round] = lat[REQUESTS / 2];
                    p90[s][round] = lat[REQUESTS * 9 / 10];
                    cpu[s][round] = used / REQUESTS;
                }
            }
        }
        System.out.printf("one task spawned and awaited from a plain thread, %d us between requests, %d requests x %d rounds, medians over rounds%n",
                gapNanos / 1_000, REQUESTS, ROUNDS);
        System.out.println("| setup | round trip p50 us | p90 us | process CPU us/request |");
        System.out.println("|---|---:|---:|---:|");
        for (int s = 0; s < setups.size(); s++) {
            System.out.printf("| %s | %.1f | %.1f | %.1f |%n", names.get(s), median(p50[s]) / 1e3, median(p90[s]) / 1e3, median(cpu[s]) / 1e3);
            setups.get(s).close();
        }
    }

    private static long median(long[] xs) {
        long[] c = xs.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
