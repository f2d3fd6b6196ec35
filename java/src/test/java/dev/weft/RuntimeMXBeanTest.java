package dev.weft;

import dev.weft.sys.OpenDescriptors;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each runtime is an MXBean {@code dev.weft:type=Runtime,name=<name>} on the platform MBean server
 * from build to close, whose attributes agree with {@link Runtime#metrics()}; names of open
 * runtimes never collide.
 */
class RuntimeMXBeanTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    /** The runtime-wide counters, by attribute name: each only grows. */
    private static final Map<String, ToLongFunction<RuntimeMetrics>> COUNTERS = Map.ofEntries(
            Map.entry("Polls", RuntimeMetrics::polls),
            Map.entry("Steals", RuntimeMetrics::steals),
            Map.entry("StolenTasks", RuntimeMetrics::stolenTasks),
            Map.entry("Parks", RuntimeMetrics::parks),
            Map.entry("Unparks", RuntimeMetrics::unparks),
            Map.entry("Overflows", RuntimeMetrics::overflows),
            Map.entry("PollerEvents", RuntimeMetrics::pollerEvents),
            Map.entry("PollerSteals", RuntimeMetrics::pollerSteals),
            Map.entry("BudgetYields", RuntimeMetrics::budgetYields),
            Map.entry("TimersFired", RuntimeMetrics::timersFired),
            Map.entry("SlowPolls", RuntimeMetrics::slowPolls));

    /** Yields {@code left} times, then ends. */
    static final class Yielder implements Async<Integer> {
        private int left;

        Yielder(int yields) {
            this.left = yields;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            if (left-- > 0) {
                cx.deferWake();
                return Poll.pending();
            }
            return Poll.ready(1);
        }
    }

    /** Yields, timers, a blocking job: every counter has something to count. */
    static void workload(Runtime rt) throws Exception {
        List<JoinHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hs.add(rt.spawn(new Yielder(20)));
            hs.add(rt.spawn(Weft.sleep(Duration.ofMillis(1 + i % 5)).map(v -> 1)));
        }
        hs.add(rt.spawnBlocking(() -> 1));
        for (JoinHandle<Integer> h : hs) {
            assertEquals(1, h.join());
        }
    }

    private static Set<String> registeredRuntimes() throws Exception {
        return SERVER.queryNames(new ObjectName("dev.weft:type=Runtime,*"), null).stream()
                .map(on -> on.getKeyProperty("name")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void theAttributesAgreeWithMetricsAndTheBeanGoesAwayOnClose() throws Exception {
        ObjectName on = RuntimeBean.objectName("jmx-metrics");
        try (Runtime rt = Runtime.builder().workers(2).name("jmx-metrics").threadNamePrefix("weft-jmx-").build()) {
            assertEquals("jmx-metrics", rt.name());
            assertTrue(SERVER.isRegistered(on), on + " is registered from build on");
            workload(rt);

            RuntimeMetrics before = rt.metrics();
            String[] names = COUNTERS.keySet().toArray(String[]::new);
            List<Attribute> read = SERVER.getAttributes(on, names).asList();
            CompositeData[] workers = (CompositeData[]) SERVER.getAttribute(on, "Workers");
            RuntimeMetrics after = rt.metrics();

            assertEquals(names.length, read.size(), "every counter attribute reads");
            for (Attribute a : read) {
                long v = (Long) a.getValue();
                ToLongFunction<RuntimeMetrics> f = COUNTERS.get(a.getName());
                assertTrue(f.applyAsLong(before) <= v && v <= f.applyAsLong(after),
                        a.getName() + " = " + v + " lies between metrics() read before and after: "
                                + f.applyAsLong(before) + ".." + f.applyAsLong(after));
            }
            assertTrue(before.polls() >= 100 * 21, "the workload was polled: " + before);
            assertTrue(before.timersFired() >= 100, "its timers fired: " + before);
            assertEquals(2, workers.length, "one composite per worker");
            for (int i = 0; i < 2; i++) {
                long polls = (Long) workers[i].get("polls");
                assertEquals(i, workers[i].get("index"));
                assertTrue(before.workers().get(i).polls() <= polls && polls <= after.workers().get(i).polls(),
                        "worker " + i + " polls " + polls);
                assertTrue(workers[i].getCompositeType().keySet().containsAll(
                        List.of("steals", "parks", "localQueueDepth", "timersPending", "busyNanos")));
            }
            assertEquals(rt.name(), SERVER.getAttribute(on, "Name"));
            assertEquals(before.backend(), SERVER.getAttribute(on, "Backend"));
            assertEquals(2, SERVER.getAttribute(on, "WorkerCount"));
            assertEquals(false, SERVER.getAttribute(on, "Closed"));
            assertEquals(0L, SERVER.getAttribute(on, "AliveTasks"), "every task of the workload ended");
            assertEquals(0, SERVER.getAttribute(on, "InjectQueueDepth"));
            for (String gauge : List.of("TimersPending", "BlockingThreads", "BlockingQueueDepth")) {
                assertNotNull(SERVER.getAttribute(on, gauge), gauge);
            }
            Set<String> declared = Arrays.stream(SERVER.getMBeanInfo(on).getAttributes())
                    .map(MBeanAttributeInfo::getName).collect(Collectors.toSet());
            assertTrue(declared.containsAll(COUNTERS.keySet()), "declared: " + declared);

            // A compliant MXBean: a proxy rebuilds the per-worker records.
            WeftRuntimeMXBean proxy = JMX.newMXBeanProxy(SERVER, on, WeftRuntimeMXBean.class);
            List<RuntimeMetrics.WorkerMetrics> ws = proxy.getWorkers();
            assertEquals(List.of(0, 1), ws.stream().map(RuntimeMetrics.WorkerMetrics::index).toList());
            assertTrue(proxy.getPolls() >= after.polls());
        }
        assertFalse(SERVER.isRegistered(on), "closing the runtime unregisters " + on);
    }

    @Test
    void aGivenNameTakenByAnOpenRuntimeFailsTheBuildAndLeavesNothingBehind() throws Exception {
        try (Runtime first = Runtime.builder().workers(1).name("jmx-dup").threadNamePrefix("weft-jmx-dup-a-").build()) {
            Set<String> registered = registeredRuntimes();
            OpenDescriptors fds = OpenDescriptors.snapshot();

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Runtime.builder().workers(2)
                    .name("jmx-dup").threadNamePrefix("weft-jmx-dup-b-").build());

            assertTrue(e.getMessage().contains("\"jmx-dup\""), e.getMessage());
            assertEquals(registered, registeredRuntimes(), "the failed build registered nothing");
            assertEquals(List.of(), ShutdownTest.liveThreads("weft-jmx-dup-b-"), "and started no thread");
            OpenDescriptors.assertNoLeakSince(fds, "and closed the pollers it had opened");
            assertEquals("jmx-dup", first.name());
            assertEquals(first.metrics().workers().size(),
                    SERVER.getAttribute(RuntimeBean.objectName("jmx-dup"), "WorkerCount"), "the first keeps its bean");
        }
        Runtime again = Runtime.builder().workers(1).name("jmx-dup").threadNamePrefix("weft-jmx-dup-c-").build();
        assertEquals("jmx-dup", again.name(), "a closed runtime's name is free again");
        again.close();
    }

    @Test
    void derivedNamesOfOpenRuntimesAreMadeUnique() throws Exception {
        try (Runtime a = Runtime.builder().workers(1).threadNamePrefix("weft-jmx-twin-").build();
             Runtime b = Runtime.builder().workers(1).threadNamePrefix("weft-jmx-twin-").build()) {
            assertEquals("weft-jmx-twin", a.name(), "the prefix less its trailing separator");
            assertEquals("weft-jmx-twin-2", b.name());
            assertTrue(registeredRuntimes().containsAll(Set.of("weft-jmx-twin", "weft-jmx-twin-2")));
        }
        assertFalse(registeredRuntimes().contains("weft-jmx-twin"));
        assertFalse(registeredRuntimes().contains("weft-jmx-twin-2"));
    }

    @Test
    void aNameWithReservedCharactersIsQuotedInTheObjectName() throws Exception {
        try (Runtime rt = Runtime.builder().workers(1).name("gateway,eu=1").threadNamePrefix("weft-jmx-q-").build()) {
            ObjectName on = RuntimeBean.objectName(rt.name());
            assertEquals("gateway,eu=1", ObjectName.unquote(on.getKeyProperty("name")));
            assertEquals("gateway,eu=1", SERVER.getAttribute(on, "Name"));
        }
    }

    @Test
    void aShutdownThatTimesOutStillUnregisters() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runtime rt = Runtime.builder().workers(1).name("jmx-stuck").threadNamePrefix("weft-jmx-stuck-")
                .slowPollThreshold(null).build();
        JoinHandle<Object> stuck = rt.spawn(cx -> {
            entered.countDown();
            try {
                release.await(); // blocks its worker: the shutdown cannot join it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Poll.ready(null);
        });
        entered.await();
        try {
            assertFalse(rt.shutdown(Duration.ofMillis(50)), "the shutdown reports the stuck worker");
            assertFalse(SERVER.isRegistered(RuntimeBean.objectName("jmx-stuck")), "and unregistered the bean anyway");
        } finally {
            release.countDown();
        }
        stuck.join();
        assertTrue(rt.shutdown(Duration.ofSeconds(10)), "released, the worker ends");
    }

    @Test
    void withJmxOffNothingIsRegisteredAndTheMetricsStillCount() throws Exception {
        Set<String> before = registeredRuntimes();
        try (Runtime a = Runtime.builder().workers(1).jmx(false).name("jmx-off").threadNamePrefix("weft-jmx-off-a-").build();
             Runtime b = Runtime.builder().workers(1).jmx(false).name("jmx-off").threadNamePrefix("weft-jmx-off-b-").build()) {
            assertEquals(before, registeredRuntimes(), "no MBean was registered");
            assertEquals("jmx-off", a.name(), "the name is taken as given");
            assertEquals("jmx-off", b.name(), "and, claiming no MBean name, two runtimes may share it");
            assertEquals(1, a.blockOn(new Yielder(4)));
            assertTrue(a.metrics().polls() >= 5, "the metrics count without JMX: " + a.metrics());
        }
        assertEquals(before, registeredRuntimes(), "closing unregistered nothing else");
    }

    @Test
    void badNamesAreRefusedUpFront() {
        Runtime.Builder b = Runtime.builder();
        assertThrows(NullPointerException.class, () -> b.name(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.name("  "));
        assertTrue(e.getMessage().contains("\"  \""), e.getMessage());
    }
}
