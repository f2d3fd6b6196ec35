package dev.weft;

import dev.weft.io.Poller;
import dev.weft.io.Pollers;
import dev.weft.scheduler.Scheduler;
import dev.weft.scheduler.SchedulerConfig;
import dev.weft.scheduler.SlowPollListener;
import dev.weft.scheduler.Worker;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import dev.weft.timer.Clock;
import dev.weft.timer.PausedClock;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Weft runtime: worker threads that each own a poller and a run queue and steal work from one
 * another, plus an elastic pool for blocking jobs.
 *
 * <pre>{@code
 * try (Runtime rt = Runtime.builder().workers(4).build()) {
 *     int v = rt.blockOn(Async.ready(20).map(x -> x + 22));
 * }
 * }</pre>
 *
 * <p><b>Outcomes.</b> {@link #blockOn} returns the value, throws a
 * {@link java.util.concurrent.CompletionException} around what the computation threw, or a
 * {@link CancellationException} if it was cancelled (see {@link JoinHandle}).
 *
 * <p><b>Closing.</b> {@link #close()} (or {@link #shutdown(Duration)}) refuses new work,
 * cancels every task left (calling its {@code cancel()} once), wakes and joins every worker
 * (each closes its poller), waits for running blocking jobs up to the timeout and then interrupts
 * them. Afterwards no runtime thread is left and no descriptor stays open, unless a task or a
 * blocking job refused to stop in time, which {@code shutdown} reports by returning false.
 *
 * <p><b>Observing.</b> {@link #metrics()} takes a snapshot of the counters. The same figures are
 * on JMX: the runtime registers a {@link WeftRuntimeMXBean} as
 * {@code dev.weft:type=Runtime,name=}{@link #name()} when built (unless built with
 * {@link Builder#jmx jmx(false)}) and unregisters it when closed.
 * A watchdog thread reports any poll that blocks a worker longer than
 * {@link Builder#slowPollThreshold} (default 100 ms) with the worker's stack: a log WARNING, a
 * {@code dev.weft.SlowPoll} Flight Recorder event and {@link Builder#onSlowPoll}. Flight Recorder
 * also gets {@code dev.weft.WorkerPark}, and, when a recording enables them, {@code dev.weft.TaskPoll}
 * (a poll over JFR's threshold: it times every poll) and {@code dev.weft.Steal}; the workers pay
 * nothing for an event no running recording enables.
 *
 * <p>Thread-safety: every method is safe from any thread.
 */
public final class Runtime implements AutoCloseable {
    private final Scheduler scheduler;
    private final RuntimeBean bean;
    private final String backendName;
    private final String backendReason;
    private final Duration shutdownTimeout;

    private Runtime(Scheduler scheduler, RuntimeBean bean, String backendName, String backendReason,
                    Duration shutdownTimeout) {
        this.scheduler = scheduler;
        this.bean = bean;
        this.backendName = backendName;
        this.backendReason = backendReason;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The runtime whose worker runs the calling thread, or null off any runtime's workers. */
    public static Runtime current() {
        Worker w = Worker.current();
        return w == null ? null : (Runtime) w.scheduler().facade();
    }

    /** Spawns {@code async} as a task; from a worker of this runtime it starts on that worker. */
    public <T> JoinHandle<T> spawn(Async<T> async) {
        return scheduler.spawn(async);
    }

    /** Runs {@code job} on the blocking pool (never on a worker). */
    public <T> JoinHandle<T> spawnBlocking(Callable<T> job) {
        return scheduler.spawnBlocking(job);
    }

    /**
     * Runs {@code async} on this runtime and blocks the calling thread (which must not be a
     * worker) until it ends. If the calling thread is interrupted, the task is aborted, the
     * interrupt flag stays set, and a {@link CancellationException} is thrown.
     */
    public <T> T blockOn(Async<T> async) {
        if (Worker.current() != null) {
            throw new IllegalStateException("blockOn() called on worker " + Thread.currentThread().getName()
                    + ": it would block the worker; spawn the computation or await it instead");
        }
        JoinHandle<T> h = spawn(async);
        try {
            return h.join();
        } catch (InterruptedException e) {
            h.abort();
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("blockOn interrupted; the task was aborted");
            c.initCause(e);
            throw c;
        }
    }

    /**
     * Nanoseconds on this runtime's timer clock (its origin is the runtime's start; paused time
     * moves only through {@link #advance} and auto-advance). Deadlines for
     * {@link Weft#sleepUntil(long)} are on this scale.
     */
    public long nanoTime() {
        return scheduler.clock().nanoTime();
    }

    /** Whether this runtime was built with {@link Builder#startPaused(boolean) startPaused(true)}. */
    public boolean isPaused() {
        return scheduler.clock().isPaused();
    }

    /**
     * Moves paused time forward by {@code duration} and wakes every worker, which fires the timers
     * now due. Returns without waiting for the woken tasks.
     *
     * @throws IllegalStateException if this runtime's time is not paused
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (!(scheduler.clock() instanceof PausedClock paused)) {
            throw new IllegalStateException("advance(" + duration + ") needs a runtime built with startPaused(true)");
        }
        paused.advance(duration);
        scheduler.wakeAll();
    }

    /** A snapshot of the runtime's counters. */
    public RuntimeMetrics metrics() {
        return RuntimeMetrics.of(scheduler, backendName);
    }

    /** The polling backend in use and why it was chosen. */
    public String backend() {
        return backendName + " (" + backendReason + ")";
    }

    public int workers() {
        return scheduler.workerCount();
    }

    /** The name this runtime's MBean is registered under (see {@link Builder#name}). */
    public String name() {
        return bean.getName();
    }

    public boolean isClosed() {
        return scheduler.isClosed();
    }

    /** {@link #shutdown(Duration)} with the builder's shutdown timeout (default 10 s). */
    @Override
    public void close() {
        shutdown(shutdownTimeout);
    }

    /**
     * Stops the runtime; idempotent. Returns true if every worker, task and blocking job stopped
     * within {@code timeout}. Must not be called from a worker of this runtime. The MBean is
     * unregistered in any case, even if stopping fails.
     */
    public boolean shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout must not be negative: " + timeout);
        }
        Worker w = Worker.current();
        if (w != null && w.scheduler() == scheduler) {
            throw new IllegalStateException("shutdown from a worker of the same runtime would wait for itself");
        }
        boolean interrupted = Thread.interrupted();
        try {
            for (;;) {
                try {
                    return scheduler.shutdown(saturatedNanos(timeout));
                } catch (InterruptedException e) {
                    interrupted = true; // finish closing; re-assert the interrupt afterwards
                }
            }
        } finally {
            bean.unregister();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2; // "forever", with room for deadline arithmetic
        }
    }

    @Override
    public String toString() {
        return "Runtime[" + name() + ", workers=" + workers() + ", backend=" + backendName + (isClosed() ? ", closed]" : "]");
    }

    /**
     * Configures a {@link Runtime}. Defaults: one worker per available processor, backend from
     * {@code -Dweft.backend} or AUTO, thread names "weft-", blocking pool of up to 512 threads
     * idling out after 10 s, budget 128, LIFO limit 3, inject queue first and a non-blocking
     * poller turn every 61 ticks, poller stealing after 1 ms, spin before park 50 microseconds,
     * shutdown timeout 10 s, slow-poll threshold 100 ms, name derived from the thread-name prefix.
     *
     * <p>Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private int workers = java.lang.Runtime.getRuntime().availableProcessors();
        private Backend backend;
        private String threadNamePrefix = "weft-";
        private int blockingCap = 512;
        private Duration blockingKeepAlive = Duration.ofSeconds(10);
        private int globalQueueInterval = 61;
        private int eventInterval = 61;
        private int lifoLimit = 3;
        private int budget = 128;
        private Duration pollerStealAfter = Duration.ofMillis(1);
        private Duration spinBeforePark = Duration.ofNanos(50_000);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Supplier<Poller> pollers;
        private boolean startPaused;
        private String name;
        private boolean jmx = true;
        private Duration slowPollThreshold = Duration.ofMillis(100);
        private Consumer<SlowPoll> onSlowPoll;

        private Builder() {
        }

        /**
         * With {@code true}, the runtime's timer clock stands still: it moves only through
         * {@link Runtime#advance(Duration)}, and jumps to the earliest pending timer when every
         * worker is idle (no queued task). Timer-heavy code then tests in milliseconds. While
         * paused, a task waiting on something outside the runtime (another thread, a socket) does
         * not hold time back: an idle runtime with timers pending jumps ahead anyway.
         */
        public Builder startPaused(boolean paused) {
            this.startPaused = paused;
            return this;
        }

        public Builder workers(int n) {
            if (n < 1 || n > 0xFFFF) {
                throw new IllegalArgumentException("workers must be in [1, 65535]: " + n);
            }
            this.workers = n;
            return this;
        }

        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        public Builder blockingPoolCap(int cap) {
            if (cap < 1) {
                throw new IllegalArgumentException("blocking pool cap must be positive: " + cap);
            }
            this.blockingCap = cap;
            return this;
        }

        public Builder blockingKeepAlive(Duration keepAlive) {
            this.blockingKeepAlive = positive("blocking keep-alive", keepAlive);
            return this;
        }

        /** Ticks between turns that take from the inject queue first (fairness for outside work). */
        public Builder globalQueueInterval(int ticks) {
            this.globalQueueInterval = positive("global queue interval", ticks);
            return this;
        }

        /** Ticks between a busy worker's non-blocking poller turns. */
        public Builder eventInterval(int ticks) {
            this.eventInterval = positive("event interval", ticks);
            return this;
        }

        /** LIFO-slot runs in a row before the woken task goes to the back (0: no LIFO slot). */
        public Builder lifoLimit(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("LIFO limit must not be negative: " + polls);
            }
            this.lifoLimit = polls;
            return this;
        }

        /** Cooperative budget units per poll. */
        public Builder budget(int units) {
            this.budget = positive("budget", units);
            return this;
        }

        /** Age of a worker's last poller turn after which an idle worker polls that poller for it. */
        public Builder pollerStealAfter(Duration d) {
            this.pollerStealAfter = positive("poller steal interval", d);
            return this;
        }

        /**
         * How long a worker that ran out of work keeps looking for more before it parks (only
         * searching workers spin, at most half of them; a spinning worker still serves its own
         * sockets and timers). A task queued meanwhile then starts without a thread wake-up, which
         * costs tens of microseconds on a virtual machine, in exchange for up to this much CPU
         * time per idle spell. Zero: park at once, as Tokio does.
         */
        public Builder spinBeforePark(Duration d) {
            this.spinBeforePark = notNegative("spin before park", d);
            return this;
        }

        /** The timeout {@link Runtime#close()} uses. */
        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = notNegative("shutdown timeout", d);
            return this;
        }

        /**
         * The runtime's name: its MBean is {@code dev.weft:type=Runtime,name=<name>} (see
         * {@link WeftRuntimeMXBean}). A name given here must be unique among open runtimes:
         * {@link #build()} fails with an {@link IllegalStateException} if one of that name is open
         * (dashboards select on it, so it is never changed silently). Without it, the name is the
         * thread-name prefix less trailing separators ("weft" for "weft-"), suffixed "-2", "-3",
         * ... when that is taken.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("runtime name must not be blank: \"" + name + "\"");
            }
            this.name = name;
            return this;
        }

        /**
         * Whether to register the runtime's MBean (default true). With {@code false} nothing
         * touches JMX: no MBean server is started for it (the platform server's first start is
         * slow: a fresh JVM's first runtime built in 115-134 ms without it and 180-233 ms with it,
         * measured here; a short-lived tool may not want that), {@link Runtime#metrics()} still
         * reads every counter, and {@link #name} is taken as given (or derived from the
         * thread-name prefix) with no uniqueness check, since no MBean name is claimed.
         */
        public Builder jmx(boolean register) {
            this.jmx = register;
            return this;
        }

        /**
         * A poll that blocks its worker at least this long is reported by the runtime's watchdog
         * thread, once, while it still blocks: a log WARNING naming the task and the worker with the
         * worker's stack, a {@code dev.weft.SlowPoll} Flight Recorder event, {@link #onSlowPoll} and
         * {@link RuntimeMetrics#slowPolls()}. The watchdog samples every half threshold (at least
         * every millisecond), so a poll is reported between 1 and about 1.5 thresholds after it
         * began; the workers pay nothing for it. Null or zero: no watchdog.
         */
        public Builder slowPollThreshold(Duration threshold) {
            if (threshold != null && threshold.isNegative()) {
                throw new IllegalArgumentException("slow-poll threshold must not be negative: " + threshold);
            }
            this.slowPollThreshold = threshold == null ? Duration.ZERO : threshold;
            return this;
        }

        /**
         * Also tells {@code callback} about each slow poll (see {@link #slowPollThreshold}). It runs
         * on the watchdog thread, which it holds up meanwhile: keep it short. An exception it throws
         * is logged and the watchdog goes on.
         */
        public Builder onSlowPoll(Consumer<SlowPoll> callback) {
            this.onSlowPoll = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /** Test hook: pollers from this factory instead of the backend's. */
        Builder pollers(Supplier<Poller> factory) {
            this.pollers = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Opens the pollers and starts the workers. */
        public Runtime build() {
            String backendName;
            String reason;
            Supplier<Poller> factory;
            if (pollers != null) {
                factory = pollers;
                backendName = "custom";
                reason = "poller factory supplied";
            } else {
                String requested = backend != null ? backend.name() : System.getProperty("weft.backend", Backend.AUTO.name());
                Pollers.Choice choice = Pollers.choose(requested);
                factory = choice::open;
                backendName = choice.name();
                reason = choice.reason();
            }
            SchedulerConfig cfg = new SchedulerConfig(workers, threadNamePrefix, factory, backendName, blockingCap,
                    blockingKeepAlive.toNanos(), globalQueueInterval, eventInterval, lifoLimit, budget,
                    pollerStealAfter.toNanos(), saturatedNanos(spinBeforePark), saturatedNanos(slowPollThreshold), slowPollListener());
            Scheduler s = new Scheduler(cfg, startPaused ? Clock.paused() : Clock.real());
            RuntimeBean bean = new RuntimeBean(s, backendName);
            try {
                String base = name != null ? name : defaultName(threadNamePrefix);
                if (jmx) {
                    bean.register(base, name != null);
                } else {
                    bean.nameUnregistered(base);
                }
                Runtime rt = new Runtime(s, bean, backendName, reason, shutdownTimeout);
                s.setFacade(rt);
                s.start();
                return rt;
            } catch (RuntimeException | Error e) {
                abandon(s, bean, e);
                throw e;
            }
        }

        private SlowPollListener slowPollListener() {
            Consumer<SlowPoll> callback = onSlowPoll;
            if (callback == null) {
                return null;
            }
            return (task, worker, elapsedNanos, stack, heldBack) -> callback.accept(
                    new SlowPoll(task, worker, Duration.ofNanos(elapsedNanos), Arrays.asList(stack), heldBack));
        }

        /** "weft-" gives "weft": the prefix less trailing separators. */
        private static String defaultName(String prefix) {
            String base = prefix.replaceAll("[-_.\\s]+$", "");
            return base.isEmpty() ? "weft" : base;
        }

        /** A build that failed after the pollers opened: release everything it took, keep its error. */
        private static void abandon(Scheduler s, RuntimeBean bean, Throwable error) {
            bean.unregister();
            try {
                s.shutdown(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                error.addSuppressed(e);
            }
        }

        private static int positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be positive: " + v);
            }
            return v;
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        private static Duration notNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }
}
