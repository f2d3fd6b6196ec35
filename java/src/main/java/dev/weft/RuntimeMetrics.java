package dev.weft;

import dev.weft.scheduler.Scheduler;
import dev.weft.scheduler.WorkerCounters;

import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of a runtime's counters, taken by {@link Runtime#metrics()}. Counts only grow;
 * while the runtime runs, values taken from different workers are not one atomic cut.
 *
 * <p>Thread-safety: immutable.
 */
public final class RuntimeMetrics {

    /** One worker's counters. */
    public record WorkerMetrics(int index, long polls, long steals, long stolenTasks, long parks, long unparks,
                                long overflows, long pollerEvents, long pollerSteals, long budgetYields,
                                long busyNanos, int localQueueDepth, long timersFired, int timersPending) {
    }

    private final String backend;
    private final List<WorkerMetrics> workers;
    private final int injectQueueDepth;
    private final int blockingThreads;
    private final int blockingQueueDepth;
    private final long aliveTasks;
    private final long slowPolls;

    private RuntimeMetrics(String backend, List<WorkerMetrics> workers, int injectQueueDepth, int blockingThreads,
                           int blockingQueueDepth, long aliveTasks, long slowPolls) {
        this.backend = backend;
        this.workers = workers;
        this.injectQueueDepth = injectQueueDepth;
        this.blockingThreads = blockingThreads;
        this.blockingQueueDepth = blockingQueueDepth;
        this.aliveTasks = aliveTasks;
        this.slowPolls = slowPolls;
    }

    static RuntimeMetrics of(Scheduler s, String backend) {
        long uptime = s.uptimeNanos();
        List<WorkerMetrics> ws = new ArrayList<>(s.workerCount());
        for (int i = 0; i < s.workerCount(); i++) {
            WorkerCounters c = s.counters(i);
            ws.add(new WorkerMetrics(i, c.polls(), c.steals(), c.stolenTasks(), c.parks(), c.unparks(), c.overflows(),
                    c.pollerEvents(), c.pollerSteals(), c.budgetYields(), Math.max(0, uptime - c.parkedNanos()),
                    s.localQueueDepth(i), c.timersFired(), s.workers().get(i).timers().pendingCount()));
        }
        return new RuntimeMetrics(backend, List.copyOf(ws), s.injectQueueDepth(), s.blockingThreads(),
                s.blockingQueueDepth(), s.aliveTasks(), s.slowPolls());
    }

    public String backend() { return backend; }
    public List<WorkerMetrics> workers() { return workers; }
    public int injectQueueDepth() { return injectQueueDepth; }
    public int blockingThreads() { return blockingThreads; }
    public int blockingQueueDepth() { return blockingQueueDepth; }
    /** Spawned tasks not yet ended. */
    public long aliveTasks() { return aliveTasks; }
    /**
     * Polls the slow-poll watchdog found blocking a worker past its threshold
     * ({@link Runtime.Builder#slowPollThreshold}); 0 when it is off.
     */
    public long slowPolls() { return slowPolls; }

    public long polls() { return workers.stream().mapToLong(WorkerMetrics::polls).sum(); }
    public long steals() { return workers.stream().mapToLong(WorkerMetrics::steals).sum(); }
    public long stolenTasks() { return workers.stream().mapToLong(WorkerMetrics::stolenTasks).sum(); }
    public long parks() { return workers.stream().mapToLong(WorkerMetrics::parks).sum(); }
    public long unparks() { return workers.stream().mapToLong(WorkerMetrics::unparks).sum(); }
    public long overflows() { return workers.stream().mapToLong(WorkerMetrics::overflows).sum(); }
    public long pollerEvents() { return workers.stream().mapToLong(WorkerMetrics::pollerEvents).sum(); }
    public long pollerSteals() { return workers.stream().mapToLong(WorkerMetrics::pollerSteals).sum(); }
    public long budgetYields() { return workers.stream().mapToLong(WorkerMetrics::budgetYields).sum(); }
    /** Timers fired by the workers' wheels. */
    public long timersFired() { return workers.stream().mapToLong(WorkerMetrics::timersFired).sum(); }
    /** Timers linked in the workers' wheels (approximate while the runtime runs). */
    public long timersPending() { return workers.stream().mapToLong(WorkerMetrics::timersPending).sum(); }

    @Override
    public String toString() {
        return "RuntimeMetrics[backend=" + backend + ", polls=" + polls() + ", steals=" + steals() + "/" + stolenTasks()
                + ", parks=" + parks() + ", unparks=" + unparks() + ", overflows=" + overflows()
                + ", pollerEvents=" + pollerEvents() + ", pollerSteals=" + pollerSteals()
                + ", budgetYields=" + budgetYields() + ", timersFired=" + timersFired()
                + ", timersPending=" + timersPending() + ", inject=" + injectQueueDepth + ", alive=" + aliveTasks
                + ", blockingThreads=" + blockingThreads + ", slowPolls=" + slowPolls + "]";
    }
}
