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

    /**
     * A worker claims a run of tasks from the inject queue and runs them one by one; those it has
     * not run yet when the runtime stops are cancelled too. The first task of the run holds the
     * only worker in user code through the shutdown, so the rest of its run is still unrun.
     */
    @Test
    void tasksClaimedFromTheInjectQueueButNotRunAreCancelledWhenTheWorkerStops() throws Exception {
        Runtime rt = Runtime.builder().workers(1).threadNamePrefix("weft-shutdown-run-").build();
        CountDownLatch firstHolding = new CountDownLatch(1);
        CountDownLatch firstRelease = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        JoinHandle<Integer> first = rt.spawn(cx -> {
            firstHolding.countDown();
            await(firstRelease);
            return Poll.ready(0);
        });
        firstHolding.await();
        // Queued while the only worker is held, so its next look claims a run of them: the
        // holder below, then tasks it will not get to.
        List<JoinHandle<Integer>> handles = new ArrayList<>();
        handles.add(rt.spawn(cx -> {
            holding.countDown();
            await(release);
            return Poll.ready(ran.incrementAndGet());
        }));
        for (int i = 0; i < 99; i++) {
            handles.add(rt.spawn(cx -> Poll.ready(ran.incrementAndGet())));
        }
        firstRelease.countDown();
        holding.await();
        assertEquals(0, first.join());
        assertTrue(rt.metrics().workers().get(0).localQueueDepth() > 0, "the worker holds a claimed run");
        assertFalse(rt.shutdown(Duration.ofMillis(100)), "the worker is still held in user code");
        release.countDown();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!liveThreads("weft-shutdown-run-").isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the worker stopped once released");
            Thread.sleep(1);
        }
        assertEquals(1, ran.get(), "only the holder ran");
        assertEquals(1, handles.get(0).join());
        for (int i = 1; i < handles.size(); i++) {
            assertTrue(handles.get(i).isCancelled(), "task " + i + " was cancelled");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** Ready on its {@code readyAfter}-th poll (never, with MAX_VALUE); parks its waker otherwise; counts its polls and cancels. */
    static final class Waiter implements Async<Integer> {
        final int readyAfter;
        final AtomicInteger polls;
        final java.util.Queue<dev.weft.task.Waker> parked;
        final AtomicInteger cancels = new AtomicInteger();
        int polled;

        Waiter(int readyAfter, AtomicInteger polls, java.util.Queue<dev.weft.task.Waker> parked) {
            this.readyAfter = readyAfter;
            this.polls = polls;
            this.parked = parked;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            polled++;
            if (polled >= readyAfter) {
                polls.incrementAndGet();
                return Poll.ready(polled);
            }
            parked.add(cx.waker());
            polls.incrementAndGet();
            return Poll.pending();
        }

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }
    }

    /**
     * Tasks go idle on one worker, are woken from outside, run again on whichever worker takes
     * them and go idle there, while new tasks keep joining the workers' tracking lists (whose
     * sweeps unlink the tasks that ended). At shutdown each task has exactly one outcome: the
     * ones that ended keep their value and were never cancelled, every other one is cancelled
     * exactly once. A task tracked twice, or lost from a list by a sweep, breaks the count.
     */
    @Test
    void tasksIdleOnSeveralWorkersAreEachCancelledOnceAtShutdown() throws Exception {
        Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-shutdown-moves-").build();
        AtomicInteger polls = new AtomicInteger();
        java.util.Queue<dev.weft.task.Waker> parked = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Waiter> waiters = new ArrayList<>();
        List<JoinHandle<Integer>> handles = new ArrayList<>();
        int expectedPolls = 0;
        for (int round = 0; round < 6; round++) {
            List<dev.weft.task.Waker> toWake = new ArrayList<>();
            for (dev.weft.task.Waker w; (w = parked.poll()) != null; ) {
                toWake.add(w);
            }
            for (int i = 0; i < 300; i++) { // half end on their third poll, half never
                Waiter w = new Waiter(i % 2 == 0 ? 3 : Integer.MAX_VALUE, polls, parked);
                waiters.add(w);
                handles.add(rt.spawn(w));
            }
            toWake.forEach(dev.weft.task.Waker::wake); // from this thread: through the inject queue
            expectedPolls += 300 + toWake.size();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (polls.get() < expectedPolls) {
                assertTrue(System.nanoTime() < deadline, "round " + round + ": polls " + polls.get() + " of " + expectedPolls);
                Thread.sleep(1);
            }
        }

        assertTrue(rt.shutdown(Duration.ofSeconds(5)), "runtime stopped within the timeout");

        int ended = 0;
        int cancelled = 0;
        for (int i = 0; i < handles.size(); i++) {
            Waiter w = waiters.get(i);
            JoinHandle<Integer> h = handles.get(i);
            assertTrue(h.isDone(), "task " + i + " has an outcome");
            if (h.isCancelled()) {
                cancelled++;
                assertEquals(1, w.cancels.get(), "task " + i + " cancelled exactly once");
            } else {
                ended++;
                assertEquals(3, h.join(), "task " + i + " ended on its third poll");
                assertEquals(0, w.cancels.get(), "task " + i + " ended, so it was never cancelled");
            }
        }
        // The tasks of the first four rounds that end on their third poll got it; the last two
        // rounds' were polled once or twice, and the never-ready ones of every round wait.
        assertEquals(4 * 150, ended);
        assertEquals(6 * 300 - 4 * 150, cancelled);
        assertEquals(0L, rt.metrics().aliveTasks());
    }
}
