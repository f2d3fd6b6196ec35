package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.task.Waker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static dev.weft.sync.SemaphoreTest.poll;
import static org.junit.jupiter.api.Assertions.*;

class MutexTest {

    @Test
    void secondLockWaitsUntilTheGuardCloses() {
        Mutex<StringBuilder> m = new Mutex<>(new StringBuilder());
        Mutex.Guard<StringBuilder> g = poll(m.lock(), new CountingWaker().cx).value();
        g.get().append("a");
        CountingWaker w = new CountingWaker();
        Async<Mutex.Guard<StringBuilder>> second = m.lock();
        assertTrue(poll(second, w.cx).isPending());
        assertNull(m.tryLock());
        g.close();
        g.close(); // idempotent: must not release a second time
        assertTrue(w.woken());
        Mutex.Guard<StringBuilder> g2 = poll(second, w.cx).value();
        assertEquals("a", g2.get().toString());
        assertNull(m.tryLock(), "a double close must not have unlocked for a third holder");
        assertThrows(IllegalStateException.class, g::get);
        g2.close();
        assertFalse(m.isLocked());
    }

    @Test
    void withLockUnlocksWhenTheBodyIsCancelled() {
        Mutex<Integer> m = new Mutex<>(0);
        CountingWaker w = new CountingWaker();
        Async<Integer> never = m.withLock(g -> cx -> Poll.pending());
        assertTrue(poll(never, w.cx).isPending());
        assertTrue(m.isLocked());
        never.cancel();
        assertFalse(m.isLocked());
    }

    @Test
    void withLockUnlocksWhenTheBodyFails() {
        Mutex<Integer> m = new Mutex<>(0);
        Async<Integer> failing = m.withLock(g -> cx -> {
            throw new IllegalArgumentException("boom");
        });
        assertThrows(IllegalArgumentException.class, () -> failing.poll(new CountingWaker().cx));
        assertFalse(m.isLocked());
    }

    @Test
    void cancelledWaiterThatWasHandedTheLockPassesItOn() {
        Mutex<Integer> m = new Mutex<>(0);
        Mutex.Guard<Integer> g = m.tryLock();
        Async<Mutex.Guard<Integer>> a = m.lock();
        CountingWaker bw = new CountingWaker();
        Async<Mutex.Guard<Integer>> b = m.lock();
        assertTrue(poll(a, new CountingWaker().cx).isPending());
        assertTrue(poll(b, bw.cx).isPending());
        g.close();          // handed to a
        a.cancel();         // a never took it: b must get it
        assertTrue(bw.woken());
        assertTrue(poll(b, bw.cx).isReady());
    }

    @Test
    void neverHeldByTwoHoldersUnderContentionAndCancellation() throws Exception {
        Mutex<int[]> m = new Mutex<>(new int[1]);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger cancelledWhileWaiting = new AtomicInteger();
        int threads = 4;
        int rounds = 20_000;
        int[] completed = new int[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                Thread self = Thread.currentThread();
                Waker waker = () -> LockSupport.unpark(self);
                Context cx = Context.of(waker);
                SplittableRandom rnd = new SplittableRandom(id);
                for (int i = 0; i < rounds; i++) {
                    Async<Mutex.Guard<int[]>> lock = m.lock();
                    boolean cancel = rnd.nextInt(5) == 0;
                    Mutex.Guard<int[]> g = null;
                    while (true) {
                        Poll<Mutex.Guard<int[]>> p = poll(lock, cx);
                        if (p.isReady()) {
                            g = p.value();
                            break;
                        }
                        if (cancel) {
                            lock.cancel();
                            cancelledWhileWaiting.incrementAndGet();
                            break;
                        }
                        LockSupport.parkNanos(50_000);
                    }
                    if (g == null) {
                        continue;
                    }
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    g.get()[0]++;
                    Thread.yield(); // stay inside a moment, so others queue behind
                    inside.decrementAndGet();
                    g.close();
                    completed[id]++;
                }
            });
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join();
        }
        assertEquals(0, overlaps.get());
        assertTrue(cancelledWhileWaiting.get() > 0, "the test must cancel waiting lockers");
        int total = 0;
        for (int c : completed) {
            total += c;
        }
        Mutex.Guard<int[]> g = m.tryLock();
        assertNotNull(g, "the lock is free at the end");
        assertEquals(total, g.get()[0], "every increment made under the lock is visible");
    }
}
