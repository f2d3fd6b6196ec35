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

import static org.junit.jupiter.api.Assertions.*;

class SemaphoreTest {

    @Test
    void tryAcquireTakesWhatIsThere() {
        Semaphore s = new Semaphore(3);
        assertTrue(s.tryAcquire(2));
        assertFalse(s.tryAcquire(2));
        assertTrue(s.tryAcquire(1));
        assertEquals(0, s.availablePermits());
        s.release(3);
        assertEquals(3, s.availablePermits());
    }

    @Test
    void badArgumentsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertTrue(e.getMessage().contains("-1"));
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).acquire(0));
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).release(-2));
        Semaphore full = new Semaphore(Semaphore.MAX_PERMITS);
        assertThrows(IllegalStateException.class, () -> full.release(1));
    }

    @Test
    void waitersAreServedInOrderEvenWhenTheFirstWantsMore() {
        Semaphore s = new Semaphore(0);
        CountingWaker big = new CountingWaker();
        CountingWaker small = new CountingWaker();
        Async<Void> wantsThree = s.acquire(3);
        Async<Void> wantsOne = s.acquire(1);
        assertTrue(poll(wantsThree, big.cx).isPending());
        assertTrue(poll(wantsOne, small.cx).isPending());
        s.release(2);                     // partial grant to the head; the small one must not overtake
        assertFalse(big.woken());
        assertFalse(small.woken());
        assertFalse(s.tryAcquire(1), "a newcomer must not overtake the queue");
        s.release(1);
        assertTrue(big.woken());
        assertTrue(poll(wantsThree, big.cx).isReady());
        assertTrue(poll(wantsOne, small.cx).isPending());
        s.release(1);
        assertTrue(poll(wantsOne, small.cx).isReady());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void cancellingAPartlyGrantedWaiterHandsItsPermitsOn() {
        Semaphore s = new Semaphore(1);
        Async<Void> head = s.acquire(3);          // takes the 1, waits for 2 more
        CountingWaker next = new CountingWaker();
        Async<Void> second = s.acquire(2);
        assertTrue(poll(head, new CountingWaker().cx).isPending());
        assertTrue(poll(second, next.cx).isPending());
        s.release(1);                             // head now holds 2 of 3
        head.cancel();                            // gives 2 back: exactly what second wants
        assertTrue(next.woken());
        assertTrue(poll(second, next.cx).isReady());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void cancellingAGrantedButUnobservedWaiterReturnsEverything() {
        Semaphore s = new Semaphore(0);
        Async<Void> a = s.acquire(2);
        assertTrue(poll(a, new CountingWaker().cx).isPending());
        s.release(2);
        a.cancel();
        assertEquals(2, s.availablePermits());
    }

    @Test
    void closeFailsWaitersAndLaterAcquires() {
        Semaphore s = new Semaphore(1);
        CountingWaker w = new CountingWaker();
        Async<Void> a = s.acquire(2);
        assertTrue(poll(a, w.cx).isPending());
        s.close();
        assertTrue(w.woken());
        assertThrows(ClosedException.class, () -> a.poll(w.cx));
        assertThrows(ClosedException.class, () -> s.tryAcquire(1));
        assertThrows(ClosedException.class, () -> s.acquire(1).poll(w.cx));
        assertEquals(1, s.availablePermits(), "the partial grant went back to the count");
        assertTrue(s.isClosed());
    }

    @Test
    void permitsAreConservedUnderRandomCancellation() throws Exception {
        int initial = 3;
        Semaphore s = new Semaphore(initial);
        int threads = 4;
        int rounds = 20_000;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        AtomicInteger cancelledWhileWaiting = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread th = new Thread(() -> {
                try {
                    cancelledWhileWaiting.addAndGet(churn(s, new SplittableRandom(seed), rounds));
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join();
        }
        assertEquals(List.of(), failures);
        assertTrue(cancelledWhileWaiting.get() > 0, "the test must cancel waiting acquires");
        assertEquals(initial, s.availablePermits());
        assertTrue(s.tryAcquire(initial));
    }

    /**
     * Acquires 1..3 permits; sometimes cancels while (or after) waiting, otherwise holds and
     * releases. Returns how many acquires it cancelled while they were pending.
     */
    private static int churn(Semaphore s, SplittableRandom rnd, int rounds) throws Exception {
        Thread self = Thread.currentThread();
        Waker waker = () -> LockSupport.unpark(self);
        Context cx = Context.of(waker);
        int cancelled = 0;
        for (int i = 0; i < rounds; i++) {
            int n = 1 + rnd.nextInt(3);
            Async<Void> a = s.acquire(n);
            boolean cancelEarly = rnd.nextInt(4) == 0;
            boolean acquired = false;
            for (int spins = 0; ; spins++) {
                if (a.poll(cx).isReady()) {
                    acquired = true;
                    break;
                }
                if (cancelEarly && spins > rnd.nextInt(3)) {
                    a.cancel();
                    cancelled++;
                    break;
                }
                LockSupport.parkNanos(50_000);
            }
            if (acquired) {
                Thread.yield(); // hold for a moment, so others queue behind
                s.release(n);
            }
        }
        return cancelled;
    }

    static <T> Poll<T> poll(Async<T> a, Context cx) {
        try {
            return a.poll(cx);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
