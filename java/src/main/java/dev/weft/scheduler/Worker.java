package dev.weft.scheduler;

import dev.weft.io.Poller;
import dev.weft.timer.TimerDriver;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker thread: it owns a {@link LocalQueue}, a LIFO slot, an inbox and a
 * {@link Poller}, and runs tasks until its scheduler shuts down.
 *
 * <p><b>Loop</b> (one "tick" per turn):
 * <ol>
 *   <li>run the inbox (work other threads handed to this thread with {@link #runOnOwner});</li>
 *   <li>every {@code eventInterval} ticks, poll the own poller without blocking
 *       ({@link #pollerTurn}), so sockets are served even under a backlog; but not more often
 *       than every 50 microseconds: with tasks of tens of nanoseconds, 61 ticks would make the
 *       syscall the main cost (measured: yield_many spent about a third of its time there);
 *       and not at all while nothing is registered on it ({@link #periodicTurn});</li>
 *   <li>take a task: every {@code globalQueueInterval} ticks, if the local queue holds tasks,
 *       a batch from the inject queue moved into it first (fairness); then the LIFO slot (at
 *       most {@code lifoLimit} times in a row), the rest of the run last claimed from the inject
 *       queue, the local queue, and a new run claimed from the inject queue, whose tasks are
 *       taken straight from its array (see {@link #takeFromInject()}); run it;</li>
 *   <li>search: steal half of a peer's queue, take from the inject queue, or poll a stalled
 *       peer's poller (see below);</li>
 *   <li>spin: a searcher keeps looking for a short while (see below);</li>
 *   <li>park: block in the own poller ({@link Idle} explains how no wake is lost).</li>
 * </ol>
 *
 * <p><b>Where wakes go.</b> A wake or a spawn on this thread while this worker polls a task goes
 * to the LIFO slot (the previous occupant moves to the queue's back, and only then is another
 * worker woken to steal): message passing runs at once. Any
 * other wake on this thread (a poller turn, including a stolen one) goes to the back of the local
 * queue. A task woken while it runs, a yield and a spent budget all go to the back, where other
 * workers may steal them. (A yield is not held back in a private list until the next poller
 * turn, as Tokio's defer list does: the periodic turn above already serves I/O at least every 61
 * ticks or 50 microseconds, whichever is later, which the private list's own 50-microsecond rule
 * made the effective bound anyway; the list kept yielded tasks from other workers; and an A/B of
 * the two measured the same speed, so the simpler path stays.)
 *
 * <p><b>Poller stealing.</b> The poller is guarded by a permit ({@code pollPermit}): the owner
 * holds it for its own turns (including parking); a searching worker with nothing to steal may
 * take the permit of a peer whose last poller turn is older than {@code pollerStealAfterNanos}
 * (busy in a long poll, or blocked in user code) and poll that poller without blocking. The tasks
 * it wakes land on the thief. One parked worker at a time is the watcher: it parks with that
 * interval as timeout while some peer is not parked, and with ten times it while all are parked
 * (a peer may wake from its own poller and then block in user code without anyone noticing), so a
 * stalled poller is served within about 11 ms at worst, at the cost of at most 100 wake-ups a
 * second of one thread in an idle runtime. A watcher that wakes to run a task or its inbox hands
 * the role over by waking a parked worker (which re-parks as the watcher): a watcher busy in user
 * code would watch no one. A one-worker runtime has no watcher.
 *
 * <p><b>Spinning before parking.</b> A searcher that found nothing to steal does not park at once:
 * for up to {@code spinBeforeParkNanos} after its last task it keeps turning its own poller
 * (sockets and timers, without blocking) and looking at every queue and its inbox, and searches
 * again as soon as something shows up. Waking a parked thread costs tens of microseconds on a
 * virtual machine (a futex or eventfd round trip between two threads measured 37-56 us here),
 * often more than the work it was woken for, and a task queued during the spell needs no wake:
 * a searcher exists, so {@link Idle} wakes no one. Only searchers spin (at most half the
 * workers), only after running a task (a watcher's timed wake or a wake that found nothing
 * spends none), and once per idle spell; the cost is up to that much CPU time per spell. Between
 * two looks the spinner yields its CPU ({@link Thread#yield()}), it does not just pause: the
 * thread its last task woke (a joiner, say) is often queued on this very CPU, and the scheduler
 * let it wait for the whole spell behind a pausing spinner (round trips of a one-task spawn and
 * join, 200 us apart: p50 88 us against 40 without spinning; with the yield, 36 us).
 *
 * <p>Thread-safety: {@link #current()}, {@link #runOnOwner}, {@link #poller()} (for
 * registration), {@link #index()} and {@link #scheduler()} are safe from any thread; everything
 * else runs on this thread.
 */
public final class Worker extends Thread {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    /** Least time between a busy worker's non-blocking poller turns (see the loop). */
    static final long MIN_EVENT_TURN_GAP_NANOS = 50_000;

    final Scheduler scheduler;
    private final int index;
    private final Poller poller;
    final LocalQueue local = new LocalQueue();
    final PollState pollState;
    final WorkerCounters counters = new WorkerCounters();
    private final TimerDriver timers;

    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /**
     * Set after each offer to {@link #inbox}, cleared by this thread before it drains: the loop
     * reads one volatile flag per tick instead of asking the queue. A hand-off the drain misses
     * was offered after the clear, so its flag write comes after it too and the next tick sees it.
     */
    private volatile boolean inboxPending;
    private final AtomicBoolean pollPermit = new AtomicBoolean();
    private volatile long lastPollNanos;

    /** Tasks that went idle after a poll here (see {@link #track}); this thread only. */
    private final PendingTasks pending = new PendingTasks();

    private Task<?> lifo;
    private int lifoStreak;
    /** Tasks claimed from the inject queue, taken from it directly when the local queue is empty. */
    private final InjectQueue.Run injected = new InjectQueue.Run();
    /** The run {@link #moveFromInject} claims with, always used up between its calls. */
    private final InjectQueue.Run moved = new InjectQueue.Run();
    private boolean searching;
    /** Whether this worker holds the poller-watch role (see class comment). */
    private boolean watching;
    /** Ticks left until the next non-blocking poller turn / inject-queue-first turn (no division on the hot path). */
    private int untilEventTurn;
    private int skippedEventTurns;
    /** Periodic poller turns skipped in a row at most while the local queue is over half full. */
    private static final int MAX_SKIPPED_EVENT_TURNS = 4;
    private int untilInjectFirst;
    private int rng;
    /** The current spin spell's end, and the poll count when it began (see "Spinning before parking"). */
    private long spinUntil;
    private long spinPolls;

    Worker(Scheduler scheduler, int index, Poller poller, String name) {
        super(name);
        this.scheduler = scheduler;
        this.index = index;
        this.poller = poller;
        this.pollState = new PollState(counters, scheduler.config.budget());
        this.rng = 0x9E3779B9 * (index + 1);
        this.lastPollNanos = System.nanoTime();
        this.untilEventTurn = scheduler.config.eventInterval();
        this.untilInjectFirst = scheduler.config.globalQueueInterval();
        this.timers = new TimerDriver(scheduler.clock, this, this::runOnOwner);
        setDaemon(true);
    }

    /** The worker running the calling thread, or null off the runtime's workers. */
    public static Worker current() {
        Thread t = Thread.currentThread();
        return t instanceof Worker w ? w : null;
    }

    /** This worker's poller: register the sockets of tasks polled on this worker here. */
    public Poller poller() {
        return poller;
    }

    /** This worker's timers: a timer polled on this worker registers here (this thread only, except cancel). */
    public TimerDriver timers() {
        return timers;
    }

    /** Position of this worker in its scheduler, 0-based. */
    public int index() {
        return index;
    }

    /** The scheduler this worker belongs to. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Runs {@code r} on this worker's thread at its next loop turn (waking it if parked). Safe
     * from any thread, including this one. An exception thrown by {@code r} is logged; the worker
     * goes on. Runnables already queued when the runtime shuts down still run as the worker
     * stops; ones offered after it stopped are never run.
     */
    public void runOnOwner(Runnable r) {
        if (r == null) {
            throw new NullPointerException("runnable");
        }
        inbox.offer(r);
        inboxPending = true;
        if (Thread.currentThread() != this) {
            poller.wakeup();
        }
    }

    /**
     * How long a park may block, in nanoseconds (-1: no limit). The single place that decides it:
     * the timer wheel's next deadline belongs here; the poller watch (see class comment) caps it.
     */
    long parkTimeoutNanos() {
        long timeout = timers.parkTimeoutNanos(); // -1: no timer (or paused time): wait until woken
        long watch = scheduler.pollerWatchTimeout(this);
        watching = watch > 0;
        if (watch > 0) {
            timeout = timeout < 0 ? watch : Math.min(timeout, watch);
        }
        return timeout;
    }

    @Override
    public void run() {
        try {
            loop();
        } finally {
            exit();
        }
    }

    private void loop() {
        final SchedulerConfig cfg = scheduler.config;
        while (!scheduler.isClosed()) {
            if (inboxPending) {
                if (searching) {
                    endSearch(); // found work (woken as a searcher, or spinning): stop blocking others' searches
                }
                leaveWatch(); // the inbox may run user code for long
                runInbox();
            }
            if (--untilEventTurn <= 0) {
                untilEventTurn = cfg.eventInterval();
                // Under a backlog of short tasks 61 ticks pass in a few microseconds; a syscall
                // that often would cost more than the tasks. Sockets wait at most this gap.
                // With half the local queue still waiting, a turn could wake more tasks than fit
                // and overflow the queue, demoting its oldest tasks behind everything (a ~100 ms
                // tail with 512 busy sockets on one worker). The kernel keeps its ready list in
                // order meanwhile; a few turns at most are skipped so sockets are still served
                // when local work never drains.
                boolean roomy = local.len() <= LocalQueue.CAPACITY / 2 || ++skippedEventTurns > MAX_SKIPPED_EVENT_TURNS;
                if (roomy && System.nanoTime() - lastPollNanos >= MIN_EVENT_TURN_GAP_NANOS) {
                    skippedEventTurns = 0;
                    periodicTurn();
                }
            }
            Task<?> t = nextTask(cfg);
            if (t != null) {
                if (searching) {
                    endSearch(); // woken as a searcher and found work in the queues
                }
                leaveWatch();
                t.run(this);
                continue;
            }
            t = search();
            if (t != null) {
                leaveWatch();
                t.run(this);
                continue;
            }
            if (searching && spinForWork()) {
                continue;
            }
            park();
        }
    }

    private Task<?> nextTask(SchedulerConfig cfg) {
        Task<?> t;
        if (--untilInjectFirst <= 0) {
            untilInjectFirst = cfg.globalQueueInterval();
            // A batch, not one task: a poller turn can wake more tasks than the local queue
            // holds, and the overflow lands here; taking one per interval left those tasks
            // waiting interval x overflow ticks (~100 ms with 512 busy connections on one
            // worker) while the local ones cycled. The batch is bounded by the local room, so
            // it cannot overflow straight back (with no room, it is the one task run now).
            // (With the local queue empty the turn is not needed: the inject queue comes next.)
            if (!local.isEmpty()) {
                t = moveFromInject();
                if (t != null) {
                    return t;
                }
            }
        }
        if (lifo != null) {
            t = lifo;
            lifo = null;
            if (lifoStreak < cfg.lifoLimit() || (local.isEmpty() && injected.size() == 0)) {
                lifoStreak++; // (with nothing else queued here, running it now starves no one)
                return t;
            }
            pushLocal(t); // ran enough in a row: to the back, behind the others
        }
        lifoStreak = 0;
        t = injected.take(); // claimed while the local queue was empty: older than what is there now
        if (t != null) {
            return t;
        }
        t = local.pop();
        if (t != null) {
            return t;
        }
        return takeFromInject();
    }

    /** Most tasks one claim of {@link #takeFromInject()} takes (guided: see there). */
    static final int MAX_INJECT_RUN = 32;

    /**
     * With the local queue empty and this worker's run used up: claims a new run from the inject
     * queue and returns its first task. The run's tasks are taken straight from the queue's
     * array, one per tick, ahead of the local queue (they are older than anything queued there
     * since); they are not copied into the local ring, whose reference stores each cost a G1
     * write-barrier fence and whose pops each cost a CAS (a one-worker drain probe,
     * {@code DrainPerTask}: 10.6-11.6 against 12.2-12.7 ns per task). A run is guided,
     * {@code len / (2 workers) + 1} tasks, at most {@link #MAX_INJECT_RUN}: its tasks are this
     * worker's alone (no thief sees them), so a run is a small share of what is queued, and runs
     * shrink as the queue drains, leaving the last tasks to whichever worker is free.
     *
     * <p><b>The price.</b> A task that blocks its worker in user code (a misuse the slow-poll
     * watchdog reports, counting these tasks: {@link #tasksHeldBack}) holds back the rest of its
     * run, up to 31 tasks, until it returns; tasks in the local ring are stolen meanwhile (Tokio's
     * LIFO slot has the same limit, for one task). Two ways out were measured and not taken:
     * copying each run into the ring, as Tokio does (spawn_many_remote_idle, 3 interleaved JMH
     * runs: Weft 352, 571 and 608 us against 286, 315 and, in a disturbed run, 1,126 with direct
     * runs), and letting thieves take run slots, which needs an atomic exchange per take on the
     * owner's side too (the drain probe: p10 15.4-16.6 against 11.2-12.4 ns per task).
     */
    private Task<?> takeFromInject() {
        InjectQueue inject = scheduler.inject;
        int len = inject.len();
        if (len == 0) {
            return null;
        }
        int n = Math.min(len / (2 * scheduler.workerCount()) + 1, MAX_INJECT_RUN);
        return inject.claim(injected, n) ? injected.take() : null;
    }

    /** Most tasks one take moves from the inject queue (DESIGN: {@code len / workers + 1}, at most 128). */
    static final int MAX_INJECT_BATCH = 128;

    /**
     * Moves this worker's share of the inject queue, at most {@link #MAX_INJECT_BATCH}, into the
     * local queue (as much as it has room for) and returns the first of it to run now.
     */
    private Task<?> moveFromInject() {
        InjectQueue inject = scheduler.inject;
        int len = inject.len();
        if (len == 0) {
            return null;
        }
        int share = Math.min(len / scheduler.workerCount() + 1, MAX_INJECT_BATCH);
        return inject.popInto(share, local, moved);
    }

    // ---- scheduling onto this worker (called on this thread) ----

    /** A wake on this thread. */
    void scheduleLocal(Task<?> t) {
        if (pollState.polling() && scheduler.config.lifoLimit() > 0) {
            Task<?> prev = lifo;
            lifo = t;
            if (prev == null) {
                return; // the slot is not stealable: nobody else needs waking
            }
            t = prev;
        }
        pushLocal(t);
        scheduler.notifyWork();
    }

    /**
     * A task spawned on this thread: like a wake, it takes the LIFO slot when spawned from a poll
     * (a spawned task usually consumes what its spawner just made; and a chain of spawns then
     * wakes no other worker), else the back of the local queue.
     */
    void spawnLocal(Task<?> t) {
        scheduleLocal(t);
    }

    /**
     * A task woken while it ran, or one that yielded or spent its budget (a deferred wake): the
     * back of the local queue, behind the tasks already there (see "Where wakes go").
     */
    void requeue(Task<?> t) {
        pushLocal(t);
        scheduler.notifyWork();
    }

    private void pushLocal(Task<?> t) {
        if (local.push(t, scheduler.inject)) {
            counters.overflows++;
        }
    }

    // ---- poller ----

    /**
     * One turn of the own poller, blocking up to {@code timeoutNanos} (0: not at all). With
     * {@code mustPoll} false the turn is skipped while a thief holds the permit.
     */
    private void pollerTurn(long timeoutNanos, boolean mustPoll) {
        if (!pollPermit.compareAndSet(false, true)) {
            if (!mustPoll) {
                return;
            }
            while (!pollPermit.compareAndSet(false, true)) {
                Thread.onSpinWait(); // a thief's turn never blocks: it is short
            }
        }
        try {
            counters.pollerEvents += poller.poll(timeoutNanos);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "poller of " + getName() + " failed; continuing", e);
        } finally {
            lastPollNanos = System.nanoTime();
            pollPermit.set(false);
        }
        afterPollerTurn();
    }

    /**
     * The busy worker's periodic turn: a non-blocking poll, or, with nothing registered on the
     * poller (a compute-only worker), just the per-turn upkeep: the epoll_wait could only have
     * found a wake-up. (Those polls were about a tenth of the workers' CPU samples in a profile
     * of spawn_many_remote_idle; the wall-time A/B on this noisy machine stayed within noise.)
     */
    private void periodicTurn() {
        if (poller.mayHaveEvents()) {
            pollerTurn(0, false);
        } else {
            lastPollNanos = System.nanoTime();
            afterPollerTurn();
        }
    }

    /**
     * Runs after every turn of this worker's own poller: the one place for per-turn upkeep. The
     * timer wheel fires its expired entries here.
     */
    private void afterPollerTurn() {
        counters.timersFired += timers.fireExpired();
    }

    /** Thief side: polls {@code victim}'s poller without blocking if it looks stalled. */
    private boolean stealPoller(Worker victim, long now) {
        if (now - victim.lastPollNanos < scheduler.config.pollerStealAfterNanos()) {
            return false;
        }
        if (!victim.pollPermit.compareAndSet(false, true)) {
            return false; // the owner is polling (or parked in it), or another thief is
        }
        try {
            counters.pollerSteals++;
            counters.pollerEvents += victim.poller.poll(0); // counted on the thief
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, getName() + " failed polling the poller of " + victim.getName(), e);
        } finally {
            victim.lastPollNanos = System.nanoTime();
            victim.pollPermit.set(false);
        }
        return true;
    }

    // ---- searching and parking ----

    private Task<?> search() {
        if (!searching) {
            if (!scheduler.idle.tryStartSearching()) {
                return null;
            }
            searching = true;
        }
        Task<?> t = stealWork();
        if (t == null) {
            t = takeFromInject();
        }
        if (t == null) {
            t = stealPollers();
        }
        if (t != null) {
            endSearch();
        }
        return t;
    }

    /**
     * Leaves the searching state having found work; the last searcher out wakes another if work
     * is left in the queues. (Tokio and Go wake one unconditionally, to ramp up; with nothing
     * left queued that wake is wasted, and here it is not cheap: it came before the found task
     * ran, and one task spawned into an idle two-worker runtime 200 us apart took a p50 of 48 us
     * round trip against 14 us with one worker. No wake is lost: work queued after the check
     * below sees no searcher and wakes a worker itself, since its producer pushes, then reads
     * the idle state, and we left the searching count, then read the queues.)
     */
    private void endSearch() {
        searching = false;
        if (scheduler.idle.stopSearching() && scheduler.hasQueuedWork()) {
            scheduler.notifyWork();
        }
    }

    private Task<?> stealWork() {
        Worker[] peers = scheduler.workers;
        int n = peers.length;
        if (n == 1) {
            return null;
        }
        int start = nextRandom(n);
        for (int i = 0; i < n; i++) {
            Worker victim = peers[(start + i) % n];
            if (victim == this) {
                continue;
            }
            int before = local.len();
            Task<?> t = victim.local.stealInto(local);
            if (t != null) {
                int stolen = local.len() - before + 1;
                counters.steals++;
                counters.stolenTasks += stolen;
                if (FlightEvents.steals) {
                    FlightEvents.steal(this, victim, stolen);
                }
                return t;
            }
        }
        return null;
    }

    private Task<?> stealPollers() {
        Worker[] peers = scheduler.workers;
        if (peers.length == 1) {
            return null;
        }
        long now = System.nanoTime();
        for (Worker victim : peers) {
            if (victim != this && stealPoller(victim, now)) {
                Task<?> t = local.pop();
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    /**
     * A searcher that found nothing keeps looking until its spin spell ends (see "Spinning before
     * parking"). Returns true when work may have shown up (the loop searches again), false when
     * the spell is over or there is none to spend (park).
     */
    private boolean spinForWork() {
        long spin = scheduler.config.spinBeforeParkNanos();
        if (spin == 0) {
            return false;
        }
        long now = System.nanoTime();
        if (counters.polls != spinPolls) { // ran a task since the last spell: a new one
            spinPolls = counters.polls;
            spinUntil = now + spin;
        }
        while (now - spinUntil < 0) {
            Thread.yield(); // not a pause: a thread waiting for this CPU runs first (see the class comment)
            periodicTurn(); // the own sockets and timers, served as a parked worker's would be
            if (inboxPending || lifo != null || scheduler.hasQueuedWork() || scheduler.isClosed()) {
                return true;
            }
            now = System.nanoTime();
        }
        return false;
    }

    private void park() {
        Idle idle = scheduler.idle;
        boolean wasSearching = searching;
        searching = false;
        // Publishes this wheel's next deadline before announcing the park, so that the last
        // worker to park sees every other's when it decides to jump paused time.
        timers.parkTimeoutNanos();
        if (idle.announcePark(index, wasSearching) && scheduler.hasQueuedWork()) {
            scheduler.notifyWork(); // last searcher out: make sure nothing queued is stranded
        }
        long timeout = parkTimeoutNanos();
        if (scheduler.autoAdvancePausedTime(this)) {
            timeout = 0; // paused time jumped to one of our own timers: fire it now
        }
        counters.parks++;
        FlightEvents.WorkerParkEvent parkEvent = FlightEvents.parks ? FlightEvents.beginPark() : null;
        long t0 = System.nanoTime();
        pollerTurn(timeout, true);
        long t1 = System.nanoTime();
        counters.parkedNanos += t1 - t0;
        spinPolls = counters.polls; // a wake that runs no task starts no spin spell
        spinUntil = t1;
        FlightEvents.endPark(parkEvent, this, timeout);
        if (idle.returnFromPark(index)) {
            searching = true; // notifyWork counted us as searching
            counters.unparks++;
        }
    }

    /**
     * About to run user code: a watcher hands its role to a parked worker (woken to re-park as
     * the watcher), since a watcher busy in user code watches no one. A watcher that only woke
     * for its watch timeout keeps the role, so an idle runtime costs one wake-up per interval.
     */
    private void leaveWatch() {
        if (watching) {
            watching = false;
            scheduler.handOffPollerWatch(this);
        }
    }

    private int nextRandom(int bound) {
        int x = rng;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        rng = x;
        return (x & Integer.MAX_VALUE) % bound;
    }

    private void runInbox() {
        inboxPending = false; // before draining: see the field
        Runnable r;
        while ((r = inbox.poll()) != null) {
            try {
                r.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "inbox task on " + getName() + " threw; continuing", e);
            }
        }
    }

    /** Wakes this worker out of its park (or makes its next park return at once). */
    void unpark() {
        poller.wakeup();
    }

    /** Remembers a task about to go idle for the first time, polled here (see {@link PendingTasks}). */
    void track(Task<?> t) {
        pending.add(t);
    }

    /**
     * Shutdown, after this thread ended: cancels every tracked task not being polled. Returns how
     * many were still running.
     */
    int cancelTracked() {
        return pending.cancelAll();
    }

    /**
     * Called on this thread when the loop ends: cancels the tasks queued here and closes the
     * poller. Queue entries own their tasks, so nobody else will cancel what is left here; and
     * closing the poller wakes the tasks registered with it (onto this worker's queues), so the
     * queues are emptied once more after it.
     */
    private void exit() {
        if (searching) {
            searching = false;
            scheduler.idle.stopSearching();
        }
        timers.close(); // later cancels from other threads no longer hand entries to this thread
        runInbox(); // hand-offs already made (closes, cancels) still run, on this thread
        cancelQueued();
        while (!pollPermit.compareAndSet(false, true)) {
            Thread.onSpinWait();
        }
        // The permit is never given back: no thief may touch the closed poller.
        try {
            poller.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "closing the poller of " + getName() + " failed", e);
        }
        cancelQueued();
    }

    /** Cancels every task in the LIFO slot and the local queue (cancelling one may wake others here, hence the loop). */
    private void cancelQueued() {
        for (;;) {
            Task<?> t = lifo;
            lifo = null;
            if (t == null) {
                t = local.pop();
            }
            if (t == null) {
                t = injected.take();
            }
            if (t == null) {
                return;
            }
            t.cancelOwned(); // the entry owned it
        }
    }

    /**
     * Tasks queued on this worker that no other worker can take: the LIFO slot's and the rest of
     * the run claimed from the inject queue. They wait for this worker's current poll to return,
     * however long it blocks (the ring's tasks are stolen meanwhile). Approximate from other
     * threads (plain reads); for the slow-poll report.
     */
    int tasksHeldBack() {
        return injectedLeft() + (lifo != null ? 1 : 0);
    }

    /** Tasks queued on this worker (local ring, rest of its claimed run); approximate from other threads. */
    int queueDepth() {
        return Math.max(0, local.len()) + injectedLeft();
    }

    /**
     * The rest of the claimed run, as another thread may see it: its two positions are plain
     * fields, which a racy read can take from two different claims, so the count is bounded to
     * what a run can hold.
     */
    private int injectedLeft() {
        return Math.max(0, Math.min(injected.size(), MAX_INJECT_RUN));
    }
}
