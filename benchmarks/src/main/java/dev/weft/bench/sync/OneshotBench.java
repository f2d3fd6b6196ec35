package dev.weft.bench.sync;

import dev.weft.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Oneshot;
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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Request/reply: a client sends 1,000 requests one after the other, each carrying the channel
 * for its reply, and waits for each reply before the next. Weft: two tasks, requests over an
 * unbounded {@link Mpsc}, replies over {@link Oneshot}s. JDK: two threads, requests over a
 * {@link LinkedBlockingQueue}, replies over {@link CompletableFuture}s. Score: round trips per
 * second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OneshotBench {
    static final int ROUNDS = 1_000;

    @Param({"weft", "jdk"})
    public String impl;

    private Runtime rt;
    private Mpsc<Oneshot<Integer>> requests;
    private LinkedBlockingQueue<CompletableFuture<Integer>> jdkRequests;
    private Thread jdkServer;

    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("weft")) {
            rt = Runtime.builder().threadNamePrefix("bench-oneshot-").build();
            requests = Mpsc.unbounded();
            rt.spawn(new Server(requests));
        } else {
            jdkRequests = new LinkedBlockingQueue<>();
            jdkServer = new Thread(() -> {
                try {
                    for (;;) {
                        jdkRequests.take().complete(1);
                    }
                } catch (InterruptedException e) {
                    // benchmark over
                }
            }, "bench-oneshot-server");
            jdkServer.setDaemon(true);
            jdkServer.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (rt != null) {
            requests.close();
            rt.close();
        }
        if (jdkServer != null) {
            jdkServer.interrupt();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int requestReply() throws Exception {
        if (rt != null) {
            return rt.blockOn(new Client(requests));
        }
        int sum = 0;
        for (int i = 0; i < ROUNDS; i++) {
            CompletableFuture<Integer> reply = new CompletableFuture<>();
            jdkRequests.put(reply);
            sum += reply.get();
        }
        return sum;
    }

    /** Answers every request with 1 until the request channel closes. */
    static final class Server implements Async<Void> {
        private final Mpsc<Oneshot<Integer>> requests;

        Server(Mpsc<Oneshot<Integer>> requests) {
            this.requests = requests;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (;;) {
                Poll<Oneshot<Integer>> r = requests.pollRecv(cx);
                if (r.isPending()) {
                    return Poll.pending();
                }
                if (r.value() == null) {
                    return Poll.ready(null);
                }
                r.value().send(1);
            }
        }
    }

    /** ROUNDS requests, one at a time. */
    static final class Client implements Async<Integer> {
        private final Mpsc<Oneshot<Integer>> requests;
        private Oneshot<Integer> reply;
        private int done;
        private int sum;

        Client(Mpsc<Oneshot<Integer>> requests) {
            this.requests = requests;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            while (done < ROUNDS) {
                if (reply == null) {
                    reply = new Oneshot<>();
                    requests.trySend(reply);
                }
                Poll<Integer> p = reply.poll(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                sum += p.value();
                reply = null;
                done++;
            }
            return Poll.ready(sum);
        }
    }
}
