package dev.weft;

import dev.weft.scheduler.Scheduler;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A runtime's {@link WeftRuntimeMXBean} and its registration on the platform MBean server as
 * {@code dev.weft:type=Runtime,name=<name>}.
 *
 * <p><b>Names.</b> A name given with {@link Runtime.Builder#name} is the runtime's identity for
 * monitoring (dashboards and alerts select on it), so it is never changed: if an MBean of that
 * name is registered already (an open runtime of the same name), building fails with an
 * {@link IllegalStateException} naming it. A name derived from the thread-name prefix is a
 * convenience, and several runtimes built with default settings must coexist, so it takes the
 * first free of {@code base}, {@code base-2}, {@code base-3}, ... The MBean server's atomic
 * {@code registerMBean} is the only test of "free": two runtimes built at once cannot take the same
 * name, and an MBean of that name registered by other code counts as taken. A name holding a
 * character that {@link ObjectName} reserves ({@code , = : " * ?} or a newline) is quoted there.
 *
 * <p>Thread-safety: the getters are safe from any thread and read the workers' counters without
 * synchronizing with them (see {@link RuntimeMetrics}); {@link #register} is called once, by the
 * builder; {@link #unregister} is idempotent and safe from any thread.
 */
final class RuntimeBean implements WeftRuntimeMXBean {
    private final Scheduler scheduler;
    private final String backend;
    private final AtomicReference<ObjectName> registered = new AtomicReference<>();
    private volatile String name;

    RuntimeBean(Scheduler scheduler, String backend) {
        this.scheduler = scheduler;
        this.backend = backend;
    }

    /** The MBean's name for a runtime named {@code name}. */
    static ObjectName objectName(String name) {
        boolean reserved = name.chars().anyMatch(c -> ",=:\"*?\n".indexOf(c) >= 0);
        try {
            return new ObjectName("dev.weft:type=Runtime,name=" + (reserved ? ObjectName.quote(name) : name));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("runtime name " + name + " cannot be part of a JMX ObjectName", e);
        }
    }

    /**
     * Registers under {@code base}, or, unless {@code exact}, the first free of base-2, base-3, ...
     *
     * @throws IllegalStateException {@code exact} and the name is taken
     */
    void register(String base, boolean exact) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? base : base + "-" + n;
            ObjectName on = objectName(candidate);
            try {
                name = candidate;
                server.registerMBean(this, on);
                registered.set(on);
                return;
            } catch (InstanceAlreadyExistsException taken) {
                if (exact) {
                    throw new IllegalStateException("a runtime named \"" + base + "\" is registered already as " + on
                            + "; give each open runtime its own name(...)", taken);
                }
            } catch (JMException e) {
                throw new IllegalStateException("registering " + on + " failed", e);
            }
        }
    }

    /** Names the bean without registering it (a runtime built with {@code jmx(false)}). */
    void nameUnregistered(String base) {
        name = base;
    }

    /** Removes the MBean, once; later calls, and a bean never registered, do nothing. */
    void unregister() {
        ObjectName on = registered.getAndSet(null);
        if (on == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(on);
        } catch (InstanceNotFoundException gone) {
            // unregistered by other code: the outcome wanted
        } catch (JMException e) {
            System.getLogger(RuntimeBean.class.getName()).log(System.Logger.Level.WARNING,
                    "unregistering " + on + " failed", e);
        }
    }

    private RuntimeMetrics metrics() {
        return RuntimeMetrics.of(scheduler, backend);
    }

    @Override public String getName() { return name; }
    @Override public String getBackend() { return backend; }
    @Override public int getWorkerCount() { return scheduler.workerCount(); }
    @Override public boolean isClosed() { return scheduler.isClosed(); }
    @Override public long getPolls() { return metrics().polls(); }
    @Override public long getSteals() { return metrics().steals(); }
    @Override public long getStolenTasks() { return metrics().stolenTasks(); }
    @Override public long getParks() { return metrics().parks(); }
    @Override public long getUnparks() { return metrics().unparks(); }
    @Override public long getOverflows() { return metrics().overflows(); }
    @Override public long getPollerEvents() { return metrics().pollerEvents(); }
    @Override public long getPollerSteals() { return metrics().pollerSteals(); }
    @Override public long getBudgetYields() { return metrics().budgetYields(); }
    @Override public long getTimersFired() { return metrics().timersFired(); }
    @Override public long getTimersPending() { return metrics().timersPending(); }
    @Override public int getInjectQueueDepth() { return scheduler.injectQueueDepth(); }
    @Override public int getBlockingThreads() { return scheduler.blockingThreads(); }
    @Override public int getBlockingQueueDepth() { return scheduler.blockingQueueDepth(); }
    @Override public long getAliveTasks() { return scheduler.aliveTasks(); }
    @Override public long getSlowPolls() { return scheduler.slowPolls(); }
    @Override public List<RuntimeMetrics.WorkerMetrics> getWorkers() { return metrics().workers(); }
}
