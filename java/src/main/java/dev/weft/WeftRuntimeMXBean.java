package dev.weft;

import java.util.List;

/**
 * A {@link Runtime}'s metrics over JMX: each runtime registers one on the platform MBean server as
 * {@code dev.weft:type=Runtime,name=<name>} when it is built and unregisters it when it closes
 * (see {@link Runtime.Builder#name}). The attributes are those of {@link RuntimeMetrics}; each read
 * takes a fresh snapshot, from any thread, without stopping or slowing the workers (they write
 * their counters plainly; a read may lag them slightly).
 *
 * <p>{@link #getWorkers()} maps to an array of {@code CompositeData}, one per worker, whose items
 * are the components of {@link RuntimeMetrics.WorkerMetrics}; {@code JMX.newMXBeanProxy} turns it
 * back into that record.
 */
public interface WeftRuntimeMXBean {
    /** The runtime's name, as in the MBean's {@code ObjectName}. */
    String getName();

    String getBackend();

    int getWorkerCount();

    boolean isClosed();

    long getPolls();

    long getSteals();

    long getStolenTasks();

    long getParks();

    long getUnparks();

    long getOverflows();

    long getPollerEvents();

    long getPollerSteals();

    long getBudgetYields();

    long getTimersFired();

    long getTimersPending();

    int getInjectQueueDepth();

    int getBlockingThreads();

    int getBlockingQueueDepth();

    long getAliveTasks();

    long getSlowPolls();

    List<RuntimeMetrics.WorkerMetrics> getWorkers();
}
