package dev.weft.bench.timer;

import dev.weft.timer.Clock;
import dev.weft.timer.TimerEntry;
import dev.weft.timer.TimerWheel;
import dev.weft.task.Waker;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Schedule then cancel 1,000,000 timers with random delays of 1 ms to 10 s; one operation is
 * one timer scheduled and cancelled, so the score is timers per second and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is bytes per timer.
 *
 * <p>Each contender counts a timer as done only once the structure really absorbed it:
 * Weft's wheel and STPE (with {@code setRemoveOnCancelPolicy(true)}) link and unlink on the
 * calling thread; Netty's event loop runs the whole batch as one task on its own thread (where
 * schedule and cancel touch its priority queue directly), and the caller waits for it; Netty's
 * {@link HashedWheelTimer} (1 ms tick) hands schedules and cancels to its worker thread through
 * queues, so the invocation waits until {@link HashedWheelTimer#pendingTimeouts()} is back to 0,
 * that is, until the worker has processed every cancellation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerScheduleCancelBenchmark {
    static final int TIMERS = 1_000_000;

    private static final Runnable NOTHING = () -> { };
    private static final Waker NOTHING_WAKER = () -> { };
    private static final TimerTask NOTHING_TASK = t -> { };

    private long[] delays;
    private Clock clock;
    private TimerWheel wheel;
    private TimerEntry[] entries;
    private HashedWheelTimer hashedWheel;
    private Timeout[] timeouts;
    private ScheduledThreadPoolExecutor stpe;
    private DefaultEventLoop nettyLoop;
    private Future<?>[] futures;

    @Setup(Level.Trial)
    public void setUp() {
        delays = TimerDelays.millis(TIMERS, 1, 10_000);
        clock = Clock.real();
        wheel = new TimerWheel(TimerWheel.floorTick(clock.nanoTime()));
        entries = new TimerEntry[TIMERS];
        hashedWheel = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
        hashedWheel.start();
        timeouts = new Timeout[TIMERS];
        stpe = new ScheduledThreadPoolExecutor(1);
        stpe.setRemoveOnCancelPolicy(true);
        nettyLoop = new DefaultEventLoop();
        futures = new Future<?>[TIMERS];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        hashedWheel.stop();
        stpe.shutdownNow();
        nettyLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int weftWheel() {
        TimerWheel w = wheel;
        TimerEntry[] es = entries;
        for (int i = 0; i < TIMERS; i++) {
            TimerEntry e = new TimerEntry(NOTHING_WAKER);
            // What a Sleep does on its first poll: read the clock, round the deadline up to a tick.
            long deadline = TimerWheel.ceilTick(clock.nanoTime() + delays[i] * 1_000_000L);
            w.insert(e, deadline);
            es[i] = e;
        }
        for (int i = 0; i < TIMERS; i++) {
            TimerEntry e = es[i];
            e.cancel();
            w.remove(e);
            es[i] = null;
        }
        return check(w.size(), 0, "weft wheel size");
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public long nettyHashedWheelTimer() throws InterruptedException {
        long base = hashedWheel.pendingTimeouts();
        for (int i = 0; i < TIMERS; i++) {
            timeouts[i] = hashedWheel.newTimeout(NOTHING_TASK, delays[i], TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < TIMERS; i++) {
            timeouts[i].cancel();
            timeouts[i] = null;
        }
        while (hashedWheel.pendingTimeouts() != base) {
            Thread.sleep(0, 100_000);
        }
        return hashedWheel.pendingTimeouts();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int scheduledThreadPoolExecutor() {
        for (int i = 0; i < TIMERS; i++) {
            futures[i] = stpe.schedule(NOTHING, delays[i], TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < TIMERS; i++) {
            futures[i].cancel(false);
            futures[i] = null;
        }
        return check(stpe.getQueue().size(), 0, "STPE queue size");
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public Object nettyEventLoop() throws Exception {
        return nettyLoop.submit(() -> {
            for (int i = 0; i < TIMERS; i++) {
                futures[i] = nettyLoop.schedule(NOTHING, delays[i], TimeUnit.MILLISECONDS);
            }
            for (int i = 0; i < TIMERS; i++) {
                futures[i].cancel(false);
                futures[i] = null;
            }
        }).get();
    }

    static int check(int actual, int expected, String what) {
        if (actual != expected) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
        return actual;
    }
}
