package dev.weft;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import dev.weft.sys.OpenDescriptors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ShutdownTest {

    /**
     * The JDK opens a few descriptors once per process on first use of NIO (and keeps them);
     * one runtime opened and closed first makes the baseline exclude those.
     */
    @org.junit.jupiter.api.BeforeAll
    static void warmUpJdkDescriptors() {
        Runtime.builder().workers(1).threadNamePrefix("weft-shutdown-warmup-").build().close();
    }

    static List<String> liveThreads(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Never ready; counts its cancellation. */
    static final class Forever implements Async<Object> {
        final AtomicInteger cancels;

        Forever(AtomicInteger cancels) {
            this.cancels = cancels;
        }

        @Override
        public Poll<Object> poll(Context cx) {
            return Poll.pending();
        }

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }
    }

    @Test
    void closeWithPendingAndBlockingTasksStopsEverythingAndReleasesEveryFd() throws Exception {
        OpenDescriptors fdsBefore = OpenDescriptors.snapshot();
        String prefix = "weft-shutdown-test-";
        Runtime rt = Runtime.builder().workers(2).threadNamePrefix(prefix).build();
        AtomicInteger cancels = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(10);
        CountDownLatch never = new CountDownLatch(1);
        List<JoinHandle<?>> blocking = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            blocking.add(rt.spawnBlocking(() -> {
                started.countDown();
                never.await(); // only an interrupt ends it
                return null;
            }));
        }
        // 10,000 tasks that wait forever, spawned from inside a task so they pile up in the
        // local queues (some run and park on nothing, the rest stay queued).
        List<JoinHandle<Object>> pending = rt.blockOn(Async.ready(0).map(x -> {
            List<JoinHandle<Object>> hs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                hs.add(Weft.spawn(new Forever(cancels)));
            }
            return hs;
        }));
        started.await();

        boolean clean = rt.shutdown(Duration.ofSeconds(3));

        assertTrue(clean, "every worker, task and blocking job stopped within the timeout");
        assertEquals(List.of(), liveThreads(prefix), "no Weft thread is left");
        OpenDescriptors.assertNoLeakSince(fdsBefore, "every descriptor the runtime opened is closed");
        assertEquals(10_000, cancels.get(), "each pending task was cancelled exactly once");
        for (JoinHandle<Object> h : pending) {
            assertThrows(CancellationException.class, h::join);
        }
        for (JoinHandle<?> h : blocking) {
            assertTrue(h.isDone(), "blocking job ended (interrupted)");
        }
        assertEquals(0L, rt.metrics().aliveTasks());
    }

    @Test
    void closeIsIdempotentAndAnUnusedRuntimeClosesCleanly() {
        OpenDescriptors fdsBefore = OpenDescriptors.snapshot();
        Runtime rt = Runtime.builder().workers(3).threadNamePrefix("weft-shutdown-idle-").build();
        rt.close();
        rt.close();
        assertTrue(rt.isClosed());
        assertEquals(List.of(), liveThreads("weft-shutdown-idle-"));
        OpenDescriptors.assertNoLeakSince(fdsBefore, "an unused runtime closes its descriptors");
    }
}
