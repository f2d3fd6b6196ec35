package dev.weft.scheduler;

import dev.weft.io.Poller;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import dev.weft.timer.Clock;
import dev.weft.timer.PausedClock;
import dev.weft.timer.TimerDriver;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work-stealing scheduler: N {@link Worker}s, the {@link InjectQueue}, {@link Idle}, the
 * live-task registry and the {@link BlockingPool}. {@code dev.weft.Runtime} is its public face.
 *
 * <p><b>Where a scheduled task goes.</b> A spawn or wake on one of this scheduler's worker
 * threads stays on that worker (see {@link Worker}); from any other thread it goes to the inject
 * queue and, if nobody is searching, one parked worker is woken ({@link Idle}).
 *
 * <p><b>Shutdown.</b> {@link #shutdown} flags the scheduler closed (new spawns fail), closes the
 * inject queue and cancels what it held, wakes and joins the workers (each cancels what its
 * queues hold and closes its own poller), then cancels every task that went idle and has not
 * ended (each worker tracks those: see {@link Worker#track}), and shuts the blocking pool down;
 * all within the timeout. A task is cancelled only by its owner (see {@link Task}): whoever
 * drains a queue entry, or the sweep for an idle task; never while it is polled. The
 * {@link SlowPollWatchdog}, if any, is stopped and joined after the workers.
 *
 * <p>Thread-safety: every public method is safe from any thread.
 */
public final class Scheduler {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    final SchedulerConfig config;
    final Worker[] workers;
    final InjectQueue inject = new InjectQueue();
    final Idle idle;
    final Clock clock;
    private final BlockingPool blocking;
    private final AtomicInteger pollerWatch = new AtomicInteger(-1);
    /** Spawns and ends counted off the workers (on workers: plain per-worker counters). */
    private final AtomicLong spawnedElsewhere = new AtomicLong();
    private final AtomicLong endedElsewhere = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile Object facade;
    private boolean started;
    /** Started with the workers when the config asks for one; null otherwise. */
    private volatile SlowPollWatchdog watchdog;

    /** Opens one poller per worker, timers on the real clock; nothing runs until {@link #start()}. */
    public Scheduler(SchedulerConfig config) {
        this(config, Clock.real());
    }

    /** Opens one poller per worker, timers on {@code clock}; nothing runs until {@link #start()}. */
    public Scheduler(SchedulerConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        int n = config.workers();
        this.idle = new Idle(n);
        this.blocking = new BlockingPool(config.threadNamePrefix(), config.blockingCap(), config.blockingKeepAliveNanos());
        this.workers = new Worker[n];
        List<Poller> opened = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Poller p = Objects.requireNonNull(config.pollers().get(), "poller factory returned null");
                opened.add(p);
                workers[i] = new Worker(this, i, p, config.threadNamePrefix() + "worker-" + i);
            }
        } catch (RuntimeException | Error e) {
            for (Poller p : opened) {
                try {
                    p.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("scheduler already started");
        }
        started = true;
        for (Worker w : workers) {
            w.start();
        }
        if (config.slowPollThresholdNanos() > 0) {
            SlowPollWatchdog wd = new SlowPollWatchdog(workers, config.threadNamePrefix() + "watchdog",
                    config.slowPollThresholdNanos(), config.slowPollListener());
            wd.start();
            watchdog = wd;
        }
    }

    /** The public object that wraps this scheduler (set once by it), reachable from any worker. */
    public Object facade() {
        return facade;
    }

    public void setFacade(Object facade) {
        this.facade = facade;
    }

    public SchedulerConfig config() {
        return config;
    }

    public int workerCount() {
        return workers.length;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Spawns {@code async} as a new task. On one of this scheduler's workers it is queued there;
     * elsewhere in the inject queue.
     *
     * @throws IllegalStateException the scheduler is shut down
     */
    public <T> JoinHandle<T> spawn(Async<T> async) {
        Objects.requireNonNull(async, "async");
        if (closed) {
            throw new IllegalStateException("runtime is closed: spawn refused");
        }
        Task<T> t = new Task<>(async, this);
        Thread th = Thread.currentThread();
        if (th instanceof Worker w && w.scheduler == this) {
            w.counters.spawned++;
            w.spawnLocal(t); // a worker still running cancels its queue when it stops
        } else {
            spawnedElsewhere.getAndIncrement();
            scheduleRemote(t); // a push that loses a race with shutdown cancels: the handle says so
        }
        return t;
    }

    /**
     * Runs {@code job} on the blocking pool, never on a worker.
     *
     * @throws java.util.concurrent.RejectedExecutionException the scheduler is shut down
     */
    public <T> JoinHandle<T> spawnBlocking(Callable<T> job) {
        Objects.requireNonNull(job, "job");
        BlockingTask<T> t = new BlockingTask<>(job);
        blocking.submit(t);
        return t;
    }

    /** A wake: the task goes to the waking worker, or to the inject queue. */
    void schedule(Task<?> t) {
        Thread th = Thread.currentThread();
        if (th instanceof Worker w && w.scheduler == this) {
            w.scheduleLocal(t);
        } else {
            scheduleRemote(t);
        }
    }

    private void scheduleRemote(Task<?> t) {
        if (inject.push(t)) {
            notifyWork();
        } else {
            cancelClosedInject();
        }
    }

    /**
     * Cancels what a closed inject queue holds. Its entries own their tasks, so whoever takes an
     * entry out cancels that task: shutdown's drains, and a pusher that found the queue closed
     * after linking its entry (its entry was taken by a drain or a worker, or is still there:
     * this drain takes it; a push after shutdown's last drain is cancelled here too).
     */
    private void cancelClosedInject() {
        for (Task<?> t : inject.close()) {
            t.cancelOwned();
        }
    }

    /** Work was queued: wake a parked worker if nobody is searching. */
    void notifyWork() {
        int w = idle.notifyWork();
        if (w >= 0) {
            workers[w].unpark();
        }
    }

    /** The clock of this scheduler's timers. */
    public Clock clock() {
        return clock;
    }

    /** Wakes every worker (each fires its due timers after its poller turn); after moving paused time. */
    public void wakeAll() {
        for (Worker w : workers) {
            w.unpark();
        }
    }

    /**
     * Paused time only: if {@code parker}, about to park, finds every worker parked and no task
     * queued, jumps the clock to the earliest timer deadline of all workers and wakes that
     * timer's worker. Returns true if that worker is {@code parker} itself (it must not block).
     * Each worker publishes its next deadline before announcing its park, so the last one to park
     * sees them all; if two see "all parked" at once, both jump to the same time.
     */
    boolean autoAdvancePausedTime(Worker parker) {
        if (!(clock instanceof PausedClock paused) || idle.numUnparked() != 0 || hasQueuedWork() || closed) {
            return false;
        }
        Worker target = null;
        long earliest = Long.MAX_VALUE;
        for (Worker w : workers) {
            long d = w.timers().nextDeadlineNanos();
            if (d != TimerDriver.NO_DEADLINE && (target == null || d < earliest)) {
                earliest = d;
                target = w;
            }
        }
        if (target == null) {
            return false;
        }
        paused.advanceTo(earliest);
        if (target == parker) {
            return true;
        }
        target.unpark();
        return false;
    }

    /** Whether any queue holds a task (the last searcher's rescan before parking). */
    boolean hasQueuedWork() {
        if (!inject.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (!w.local.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The poll timeout {@code w}, about to park, must use as the poller watcher (see
     * {@link Worker}), or -1 if it is not the watcher (another worker is, or there is one worker).
     */
    long pollerWatchTimeout(Worker w) {
        if (workers.length == 1) {
            return -1;
        }
        if (pollerWatch.get() != w.index() && !pollerWatch.compareAndSet(-1, w.index())) {
            return -1;
        }
        long interval = config.pollerStealAfterNanos();
        return idle.numUnparked() > 0 ? interval : interval * 10;
    }

    /** {@code w} gives up the watch role: a parked worker, if any, is woken to take it over. */
    void handOffPollerWatch(Worker w) {
        if (pollerWatch.compareAndSet(w.index(), -1)) {
            int other = idle.anyParked();
            if (other >= 0) {
                workers[other].unpark(); // a plain wake: it re-parks as the watcher
            }
        }
    }

    /** Counts a task's end, for the alive-tasks metric. */
    void taskEnded() {
        if (Thread.currentThread() instanceof Worker w && w.scheduler == this) {
            w.counters.ended++;
        } else {
            endedElsewhere.getAndIncrement();
        }
    }

    void reportCancelFailure(Task<?> t, Throwable error) {
        LOG.log(System.Logger.Level.WARNING, "cancel() of " + t + " threw; the task is cancelled anyway", error);
    }

    /**
     * Stops the runtime (idempotent): no new tasks, workers joined, live tasks cancelled, blocking
     * pool drained. Returns true if everything stopped within {@code timeoutNanos}; false if a
     * worker (stuck in a poll) or a blocking job was still running at the deadline.
     */
    public boolean shutdown(long timeoutNanos) throws InterruptedException {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("shutdown timeout must not be negative: " + timeoutNanos);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        closed = true;
        cancelClosedInject();
        boolean clean = true;
        for (Worker w : workers) {
            w.unpark();
        }
        boolean neverStarted;
        synchronized (this) {
            neverStarted = !started;
            started = true; // a closed scheduler never starts
        }
        if (neverStarted) {
            for (Worker w : workers) {
                w.poller().close(); // no worker thread will run to close it
            }
        } else {
            for (Worker w : workers) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(w, left);
                }
                clean &= !w.isAlive();
            }
            SlowPollWatchdog wd = watchdog; // stopped last: it may still name a poll that holds up the shutdown
            if (wd != null) {
                clean &= wd.stop(deadline);
            }
        }
        // Workers that stopped may have overflowed tasks into the closed queue meanwhile.
        cancelClosedInject();
        for (Worker w : workers) {
            // Only a worker that ended may be swept: its list is its own until then.
            if (!w.isAlive()) {
                clean &= w.cancelTracked() == 0;
            }
        }
        clean &= blocking.shutdown(deadline);
        return clean;
    }

    // ---- metrics ----

    public List<Worker> workers() {
        return List.of(workers);
    }

    public WorkerCounters counters(int worker) {
        return workers[worker].counters;
    }

    public int localQueueDepth(int worker) {
        return workers[worker].queueDepth();
    }

    public int injectQueueDepth() {
        return inject.len();
    }

    public int blockingThreads() {
        return blocking.threadCount();
    }

    public int blockingQueueDepth() {
        return blocking.queueDepth();
    }

    /** Tasks spawned and not yet ended (approximate while running). */
    public long aliveTasks() {
        long n = spawnedElsewhere.get() - endedElsewhere.get();
        for (Worker w : workers) {
            n += w.counters.spawned - w.counters.ended;
        }
        return Math.max(0, n);
    }

    /** Polls the watchdog reported as slow (0 without a watchdog). */
    public long slowPolls() {
        SlowPollWatchdog wd = watchdog;
        return wd == null ? 0 : wd.slowPolls();
    }

    public long uptimeNanos() {
        return System.nanoTime() - startNanos;
    }
}
