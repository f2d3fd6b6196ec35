package dev.weft;

import dev.weft.sync.Oneshot;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link JoinHandle#toCompletableFuture()}: one future per handle, however and whenever it is
 * asked for, completed with the task's outcome.
 */
class JoinHandleFutureTest {
    private Runtime rt;

    @BeforeEach
    void start() {
        rt = Runtime.builder().workers(2).threadNamePrefix("weft-future-test-").build();
    }

    @AfterEach
    void stop() {
        assertTrue(rt.shutdown(Duration.ofSeconds(10)), "runtime stops cleanly");
    }

    @Test
    void askedBeforeTheEndItIsTheSameFutureBeforeAndAfterAndCarriesTheValue() throws Exception {
        Oneshot<Integer> gate = new Oneshot<>();
        JoinHandle<Integer> h = rt.spawn(gate.map(v -> v * 2));
        CompletableFuture<Integer> first = h.toCompletableFuture();
        assertSame(first, h.toCompletableFuture());
        assertFalse(first.isDone());
        gate.send(21);
        assertEquals(42, first.get(10, TimeUnit.SECONDS));
        assertEquals(42, h.join());
        assertSame(first, h.toCompletableFuture(), "the end keeps the future handed out");
    }

    @Test
    void askedOnlyAfterTheEndItIsStillOneFuture() throws Exception {
        JoinHandle<String> h = rt.spawn(cx -> Poll.ready("done"));
        assertEquals("done", h.join());
        CompletableFuture<String> f = h.toCompletableFuture();
        assertEquals("done", f.getNow(null));
        assertSame(f, h.toCompletableFuture());
    }

    @Test
    void itStaysOneFutureAlongsideOtherWaiters() throws Exception {
        Oneshot<Integer> gate = new Oneshot<>();
        JoinHandle<Integer> h = rt.spawn(gate);
        JoinHandle<Integer> awaiting = rt.spawn(h.map(v -> v + 1)); // another waiter on the same handle
        CompletableFuture<Integer> f = h.toCompletableFuture();
        Thread joiner = new Thread(() -> {
            try {
                h.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        joiner.start();
        assertSame(f, h.toCompletableFuture());
        gate.send(7);
        assertEquals(8, awaiting.join());
        joiner.join(10_000);
        assertFalse(joiner.isAlive());
        assertEquals(7, f.get(10, TimeUnit.SECONDS));
        assertSame(f, h.toCompletableFuture());
    }

    @Test
    void threadsAskingWhileTheTaskEndsAllGetTheSameCompletedFuture() throws Exception {
        for (int round = 0; round < 200; round++) {
            Oneshot<Integer> gate = new Oneshot<>();
            JoinHandle<Integer> h = rt.spawn(gate);
            int askers = 4;
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> got = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < askers; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    CompletableFuture<Integer> f = h.toCompletableFuture();
                    synchronized (got) {
                        got.add(f);
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            gate.send(round);
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive());
            }
            assertEquals(askers, got.size());
            CompletableFuture<Integer> one = h.toCompletableFuture();
            for (CompletableFuture<Integer> f : got) {
                assertSame(one, f, "round " + round);
            }
            assertEquals(round, one.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBlockingTaskHasOneFutureToo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawnBlocking(() -> {
            release.await();
            return "blocked";
        });
        CompletableFuture<String> f = h.toCompletableFuture();
        assertSame(f, h.toCompletableFuture());
        release.countDown();
        assertEquals("blocked", f.get(10, TimeUnit.SECONDS));
        assertSame(f, h.toCompletableFuture());
    }
}
