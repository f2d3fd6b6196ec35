package dev.weft.bench.sync;

import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.sync.Mpsc;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Tokio's {@code sync_mpsc} workloads on Weft's {@link Mpsc} and on the JDK's blocking queues.
 *
 * <ul>
 *   <li>{@code contended}: 5 producers send 1,000 messages each, one consumer receives all 5,000.
 *       Weft: 5 producer tasks and a consumer task on a runtime with one worker per CPU. JDK: 5
 *       producer threads (a fixed pool, started once) and the benchmark thread as consumer.</li>
 *   <li>{@code uncontended}: one party sends 5,000 messages, then receives them (Weft: in one
 *       task, through the {@code send}/{@code recv} Asyncs; JDK: put/take on one thread).</li>
 * </ul>
 * The channel is made once per trial and is empty again after every invocation; scores are
 * messages per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MpscBench {
    static final int PRODUCERS = 5;
    static final int PER_PRODUCER = 1_000;
    static final int MESSAGES = PRODUCERS * PER_PRODUCER;

    /** A channel under test: Weft's Mpsc on a runtime, or a JDK queue with producer threads. */
    abstract static class Channel {
        Runtime rt;
        Mpsc<Integer> mpsc;
        BlockingQueue<Integer> queue;
        ExecutorService producers;

        void open(String channel) {
            String[] parts = channel.split("-");
            int capacity = switch (parts[parts.length - 1]) {
                case "100" -> 100;
                case "1M" -> 1_000_000;
                default -> -1;
            };
            switch (parts[0]) {
                case "weft" -> {
                    rt = Runtime.builder().threadNamePrefix("bench-mpsc-").build();
                    mpsc = capacity < 0 ? Mpsc.unbounded() : Mpsc.bounded(capacity);
                }
                case "abq" -> queue = new ArrayBlockingQueue<>(capacity);
                case "lbq" -> queue = capacity < 0 ? new LinkedBlockingQueue<>() : new LinkedBlockingQueue<>(capacity);
                default -> throw new IllegalArgumentException("unknown channel " + channel);
            }
            if (queue != null) {
                producers = Executors.newFixedThreadPool(PRODUCERS, r -> {
                    Thread t = new Thread(r, "bench-producer");
                    t.setDaemon(true);
                    return t;
                });
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (rt != null) {
                rt.close();
            }
            if (producers != null) {
                producers.shutdownNow();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Contended extends Channel {
        @Param({"weft-bounded-100", "abq-100", "lbq-100",
                "weft-bounded-1M", "abq-1M", "lbq-1M",
                "weft-unbounded", "lbq-unbounded"})
        public String channel;

        @Setup(Level.Trial)
        public void setUp() {
            open(channel);
        }
    }

    /** Tokio's uncontended workloads use only channels that hold all 5,000 messages. */
    @State(Scope.Benchmark)
    public static class Uncontended extends Channel {
        // Named apart from Contended's, so that "-p channel=...-100" cannot reach this state
        // (a single party cannot push 5,000 messages through a bound of 100).
        @Param({"weft-bounded-1M", "abq-1M", "lbq-1M", "weft-unbounded", "lbq-unbounded"})
        public String store;

        @Setup(Level.Trial)
        public void setUp() {
            open(store);
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long contended(Contended c) throws Exception {
        if (c.mpsc != null) {
            return c.rt.blockOn(new ContendedRoot(c.mpsc));
        }
        BlockingQueue<Integer> q = c.queue;
        for (int p = 0; p < PRODUCERS; p++) {
            c.producers.execute(() -> {
                try {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        q.put(i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        long sum = 0;
        for (int i = 0; i < MESSAGES; i++) {
            sum += q.take();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long uncontended(Uncontended c) throws Exception {
        if (c.mpsc != null) {
            return c.rt.blockOn(new SendThenReceive(c.mpsc));
        }
        BlockingQueue<Integer> q = c.queue;
        for (int i = 0; i < MESSAGES; i++) {
            q.put(i);
        }
        long sum = 0;
        for (int i = 0; i < MESSAGES; i++) {
            sum += q.take();
        }
        return sum;
    }

    /** Spawns the producers from inside the runtime (as Tokio's bench does), then receives. */
    static final class ContendedRoot implements Async<Long> {
        private final Mpsc<Integer> ch;
        private boolean spawned;
        private int received;
        private long sum;

        ContendedRoot(Mpsc<Integer> ch) {
            this.ch = ch;
        }

        @Override
        public Poll<Long> poll(Context cx) {
            if (!spawned) {
                spawned = true;
                for (int p = 0; p < PRODUCERS; p++) {
                    Weft.spawn(new Sender(ch, PER_PRODUCER));
                }
            }
            while (received < MESSAGES) {
                Poll<Integer> m = ch.pollRecv(cx);
                if (m.isPending()) {
                    return Poll.pending();
                }
                sum += m.value();
                received++;
            }
            return Poll.ready(sum);
        }
    }

    /** Sends 0..count-1, awaiting each send. */
    static final class Sender implements Async<Void> {
        private final Mpsc<Integer> ch;
        private final int count;
        private int sent;
        private Async<Void> sending;

        Sender(Mpsc<Integer> ch, int count) {
            this.ch = ch;
            this.count = count;
        }

        @Override
        public Poll<Void> poll(Context cx) throws Exception {
            while (sent < count) {
                if (sending == null) {
                    sending = ch.send(sent);
                }
                if (sending.poll(cx).isPending()) {
                    return Poll.pending();
                }
                sending = null;
                sent++;
            }
            return Poll.ready(null);
        }
    }

    /** One task: 5,000 sends, then 5,000 receives. */
    static final class SendThenReceive implements Async<Long> {
        private final Sender sender;
        private final Mpsc<Integer> ch;
        private int received;
        private long sum;

        SendThenReceive(Mpsc<Integer> ch) {
            this.ch = ch;
            this.sender = new Sender(ch, MESSAGES);
        }

        @Override
        public Poll<Long> poll(Context cx) throws Exception {
            if (sender.poll(cx).isPending()) {
                return Poll.pending();
            }
            while (received < MESSAGES) {
                Poll<Integer> m = ch.pollRecv(cx);
                if (m.isPending()) {
                    return Poll.pending();
                }
                sum += m.value();
                received++;
            }
            return Poll.ready(sum);
        }
    }
}
