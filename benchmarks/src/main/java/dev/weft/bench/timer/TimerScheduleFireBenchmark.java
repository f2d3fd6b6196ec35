package dev.weft.bench.timer;

import dev.weft.timer.Clock;
import dev.weft.timer.PausedClock;
import dev.weft.timer.TimerEntry;
import dev.weft.timer.TimerWheel;
import dev.weft.task.Waker;
import io.netty.util.HashedWheelTimer;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Schedule 100,000 timers with random delays of 1 ms to 1 s, then let them all fire; one
 * operation is one timer scheduled and fired.
 *
 * <p>Weft's wheel and Netty's event loop run on paused time: the clock is moved 1 ms at a time
 * through the whole second and every due timer fired, so the score is the structures' own cost.
 * Netty's {@link HashedWheelTimer} and {@code ScheduledThreadPoolExecutor} have no pausable
 * clock: they run in real time, so each invocation lasts at least 1 s and their score is bounded
 * by that window (about 100,000 timers/s); their bytes per timer are still comparable.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerScheduleFireBenchmark {
    static final int TIMERS = 100_000;
    static final int SPREAD_MILLIS = 1_000;

    private long[] delays;
    private PausedClock clock;
    private TimerWheel wheel;
    private PausedNettyLoop nettyLoop;
    private HashedWheelTimer hashedWheel;
    private ScheduledThreadPoolExecutor stpe;
    /** Set in setUp from the benchmark being run, so that only its contender's threads start. */
    private String contender = "";
    private int fired;
    private final AtomicInteger firedConcurrently = new AtomicInteger();
    private final Runnable countFire = () -> fired++;
    private final Waker countFireWaker = () -> fired++;
    private final Runnable countFireConcurrently = firedConcurrently::incrementAndGet;
    private final TimerTask countTimeout = t -> firedConcurrently.incrementAndGet();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        delays = TimerDelays.millis(TIMERS, 1, SPREAD_MILLIS);
        contender = params.getBenchmark();
        clock = Clock.paused();
        wheel = new TimerWheel(TimerWheel.floorTick(clock.nanoTime()));
        if (contender.endsWith("nettyEventLoopPaused")) {
            nettyLoop = new PausedNettyLoop();
        } else if (contender.endsWith("nettyHashedWheelTimerRealTime")) {
            hashedWheel = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
            hashedWheel.start();
        } else if (contender.endsWith("scheduledThreadPoolExecutorRealTime")) {
            stpe = new ScheduledThreadPoolExecutor(1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (hashedWheel != null) {
            hashedWheel.stop();
        }
        if (stpe != null) {
            stpe.shutdownNow();
        }
        if (nettyLoop != null) {
            nettyLoop.shutdownOnRealTime();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int weftWheelPaused() {
        fired = 0;
        TimerWheel w = wheel;
        for (int i = 0; i < TIMERS; i++) {
            long deadline = TimerWheel.ceilTick(clock.nanoTime() + delays[i] * 1_000_000L);
            w.insert(new TimerEntry(countFireWaker), deadline);
        }
        for (int ms = 0; ms < SPREAD_MILLIS; ms++) {
            w.advance(TimerWheel.floorTick(clock.advance(Duration.ofMillis(1))));
        }
        return TimerScheduleCancelBenchmark.check(fired, TIMERS, "weft timers fired");
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int nettyEventLoopPaused() throws Exception {
        return nettyLoop.submit(() -> {
            for (int i = 0; i < TIMERS; i++) {
                nettyLoop.schedule(countFire, delays[i], TimeUnit.MILLISECONDS);
            }
            int ran = 0;
            for (int ms = 0; ms < SPREAD_MILLIS; ms++) {
                ran += nettyLoop.advanceMillisAndRunDue(1);
            }
            return TimerScheduleCancelBenchmark.check(ran, TIMERS, "netty tasks fired");
        }).get();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int nettyHashedWheelTimerRealTime() throws InterruptedException {
        firedConcurrently.set(0);
        for (int i = 0; i < TIMERS; i++) {
            hashedWheel.newTimeout(countTimeout, delays[i], TimeUnit.MILLISECONDS);
        }
        return awaitFired();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int scheduledThreadPoolExecutorRealTime() throws InterruptedException {
        firedConcurrently.set(0);
        for (int i = 0; i < TIMERS; i++) {
            stpe.schedule(countFireConcurrently, delays[i], TimeUnit.MILLISECONDS);
        }
        return awaitFired();
    }

    private int awaitFired() throws InterruptedException {
        while (firedConcurrently.get() < TIMERS) {
            Thread.sleep(1);
        }
        return firedConcurrently.get();
    }
}
