package dev.weft.bench.timer;

import dev.weft.task.Poll;
import dev.weft.task.Waker;
import dev.weft.time.Sleep;
import dev.weft.timer.Clock;
import dev.weft.timer.TimerDriver;
import dev.weft.timer.TimerEntry;
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

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Schedule then cancel 1,000,000 timers with random delays of 1 ms to 10 s; one operation is
 * one timer scheduled and cancelled, so the score is timers per second and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is bytes per timer. Every contender reads the clock once per
 * schedule (as each does in real use) and gets the same delays.
 *
 * <p>Each contender counts a timer as done only once the structure really absorbed it:
 * Weft (through a worker's {@link TimerDriver}, as a {@code Sleep} registers and cancels) and STPE
 * (with {@code setRemoveOnCancelPolicy(true)}) link and unlink on the calling thread; Netty's
 * event loop runs the whole batch as one task on its own thread (where schedule and cancel touch
 * its priority queue directly), and the caller waits for it; Netty's
 * {@link HashedWheelTimer} (1 ms tick) hands schedules and cancels to its worker thread through
 * queues, so the invocation waits until {@link HashedWheelTimer#pendingTimeouts()} is back to
 * where it was (every cancellation processed) and its queue of new timeouts is drained.
 *
 * <p>Each contender has its own state, so only its own threads exist during its measurement.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerScheduleCancelBenchmark {
    static final int TIMERS = 1_000_000;

    private static final Runnable NOTHING = () -> { };
    private static final Waker NOTHING_WAKER = () -> { };
    private static final TimerTask NOTHING_TASK = t -> { };

    @State(Scope.Benchmark)
    public static class Delays {
        final long[] millis = TimerDelays.millis(TIMERS, 1, 10_000);
    }

    /**
     * A worker's timer driver, owned by the calling thread, on the real clock. {@code busy}: the
     * worker keeps some timer pending (a server with timeouts in flight), so its wheel is never
     * empty and each {@link TimerDriver#fireExpired()} moves it to the current tick: a batch is
     * placed relative to now, over every level it spans. Not busy: the wheel is empty between
     * batches and an empty wheel is not advanced, so a batch is placed relative to the tick of
     * the trial's start, on a few slots of one level (cheaper to link and unlink).
     */
    public abstract static class Weft {
        final Clock clock = Clock.real();
        final TimerEntry[] entries = new TimerEntry[TIMERS];
        private TimerDriver driver;

        abstract boolean busy();

        /** JMH may move a benchmark to another thread between iterations; a driver works only on its owner. */
        TimerDriver driver() {
            if (driver == null || !driver.isOwnerThread()) {
                driver = new TimerDriver(clock, Thread.currentThread(), Runnable::run);
                if (busy()) {
                    driver.register(new TimerEntry(NOTHING_WAKER), clock.nanoTime() + TimeUnit.DAYS.toNanos(1));
                }
            }
            return driver;
        }
    }

    @State(Scope.Benchmark)
    public static class WeftBusy extends Weft {
        @Override
        boolean busy() {
            return true;
        }
    }

    @State(Scope.Benchmark)
    public static class WeftIdle extends Weft {
        @Override
        boolean busy() {
            return false;
        }
    }

    /** A one-worker runtime and the delays as the {@link Duration}s a caller would hold. */
    @State(Scope.Benchmark)
    public static class WeftRuntime {
        dev.weft.Runtime runtime;
        Duration[] durations;
        final Sleep[] sleeps = new Sleep[TIMERS];

        @Setup(Level.Trial)
        public void start(Delays d) {
            runtime = dev.weft.Runtime.builder().workers(1).build();
            durations = new Duration[TIMERS];
            for (int i = 0; i < TIMERS; i++) {
                durations[i] = Duration.ofMillis(d.millis[i]);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            runtime.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Hashed {
        HashedWheelTimer timer;
        Queue<?> newTimeouts;
        final Timeout[] timeouts = new Timeout[TIMERS];

        @Setup(Level.Trial)
        public void start() throws ReflectiveOperationException {
            timer = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
            timer.start();
            Field f = HashedWheelTimer.class.getDeclaredField("timeouts");
            f.setAccessible(true);
            newTimeouts = (Queue<?>) f.get(timer);
        }

        @TearDown(Level.Trial)
        public void stop() {
            timer.stop();
        }
    }

    @State(Scope.Benchmark)
    public static class Stpe {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        final Future<?>[] futures = new Future<?>[TIMERS];

        @Setup(Level.Trial)
        public void start() {
            executor.setRemoveOnCancelPolicy(true);
        }

        @TearDown(Level.Trial)
        public void stop() {
            executor.shutdownNow();
        }
    }

    @State(Scope.Benchmark)
    public static class NettyLoop {
        DefaultEventLoop loop;
        final Future<?>[] futures = new Future<?>[TIMERS];

        @Setup(Level.Trial)
        public void start() {
            loop = new DefaultEventLoop();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int weftWheel(WeftBusy s, Delays d) {
        return scheduleCancel(s, d.millis);
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int weftWheelIdle(WeftIdle s, Delays d) {
        return scheduleCancel(s, d.millis);
    }

    /**
     * The whole runtime path, on a worker: {@code Sleep.after} (its clock read), its first poll
     * (the entry is registered) and its cancel, so the {@code Sleep} and its registration are
     * allocated and run too. Not the same work as the other rows: what a user's timer costs.
     */
    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public long weftSleep(WeftRuntime s) {
        Duration[] durations = s.durations;
        Sleep[] sleeps = s.sleeps;
        return s.runtime.blockOn(cx -> {
            for (int i = 0; i < TIMERS; i++) {
                Sleep sleep = Sleep.after(durations[i]);
                sleep.poll(cx);
                sleeps[i] = sleep;
            }
            for (int i = 0; i < TIMERS; i++) {
                sleeps[i].cancel();
                sleeps[i] = null;
            }
            return Poll.ready((long) check((int) s.runtime.metrics().timersPending(), 0, "weft timers pending"));
        });
    }

    private static int scheduleCancel(Weft s, long[] delays) {
        TimerDriver driver = s.driver();
        Clock clock = s.clock;
        TimerEntry[] es = s.entries;
        int before = driver.pendingCount();
        driver.fireExpired(); // the worker's turn before the batch
        for (int i = 0; i < TIMERS; i++) {
            // What a Sleep (or Timeout) does on a worker: one clock read for its deadline, one
            // entry, registered with the worker's driver at its first poll.
            long deadline = clock.nanoTime() + delays[i] * 1_000_000L;
            TimerEntry e = new TimerEntry(NOTHING_WAKER);
            driver.register(e, deadline);
            es[i] = e;
        }
        for (int i = 0; i < TIMERS; i++) {
            driver.cancel(es[i]); // what Sleep.cancel does on the owner
            es[i] = null;
        }
        return check(driver.pendingCount(), before, "weft wheel size");
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public long nettyHashedWheelTimer(Hashed s, Delays d) throws InterruptedException {
        HashedWheelTimer timer = s.timer;
        long base = timer.pendingTimeouts();
        long[] delays = d.millis;
        for (int i = 0; i < TIMERS; i++) {
            s.timeouts[i] = timer.newTimeout(NOTHING_TASK, delays[i], TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < TIMERS; i++) {
            s.timeouts[i].cancel();
            s.timeouts[i] = null;
        }
        while (timer.pendingTimeouts() != base || !s.newTimeouts.isEmpty()) {
            Thread.sleep(0, 100_000);
        }
        return timer.pendingTimeouts();
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int scheduledThreadPoolExecutor(Stpe s, Delays d) {
        long[] delays = d.millis;
        for (int i = 0; i < TIMERS; i++) {
            s.futures[i] = s.executor.schedule(NOTHING, delays[i], TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < TIMERS; i++) {
            s.futures[i].cancel(false);
            s.futures[i] = null;
        }
        return check(s.executor.getQueue().size(), 0, "STPE queue size");
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public Object nettyEventLoop(NettyLoop s, Delays d) throws Exception {
        long[] delays = d.millis;
        DefaultEventLoop loop = s.loop;
        return loop.submit(() -> {
            for (int i = 0; i < TIMERS; i++) {
                s.futures[i] = loop.schedule(NOTHING, delays[i], TimeUnit.MILLISECONDS);
            }
            for (int i = 0; i < TIMERS; i++) {
                s.futures[i].cancel(false);
                s.futures[i] = null;
            }
        }).get();
    }

    /**
     * Not a contender: one {@code System.nanoTime()} read, the floor every contender pays per
     * schedule, measured in the same run so the table shows how much of each cost it is.
     */
    @Benchmark
    public long clockReadReference() {
        return System.nanoTime();
    }

    /**
     * Not a contender: a clock read and one 40-byte {@link TimerEntry} per timer, kept then
     * dropped like the contenders' handles, and no timer structure at all: the floor of any
     * design that reads the clock and allocates one object per timer.
     */
    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public long clockAndEntryReference(WeftIdle s, Delays d) {
        TimerEntry[] es = s.entries;
        long[] delays = d.millis;
        long sum = 0;
        for (int i = 0; i < TIMERS; i++) {
            sum += s.clock.nanoTime() + delays[i] * 1_000_000L;
            es[i] = new TimerEntry(NOTHING_WAKER);
        }
        for (int i = 0; i < TIMERS; i++) {
            es[i] = null;
        }
        return sum;
    }

    static int check(int actual, int expected, String what) {
        if (actual != expected) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
        return actual;
    }
}
