package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Waker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;

import static dev.weft.sync.SemaphoreTest.poll;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every operation spends cooperative budget: with the budget spent, a ready operation returns
 * pending and does nothing (the runtime re-polls it later), and it is counted once per poll.
 */
class BudgetTest {

    /** A context whose budget is {@code units}; counts what was spent. */
    private static final class Budget implements Context {
        int left;
        int spent;

        Budget(int units) {
            left = units;
        }

        @Override public Waker waker() { return () -> { }; }
        @Override public boolean consumeBudget() {
            if (left == 0) {
                return false;
            }
            left--;
            spent++;
            return true;
        }
        @Override public int remainingBudget() { return left; }
        @Override public void deferWake() { }
    }

    @Test
    void spentBudgetMakesReadyOperationsPendingWithoutSideEffects() {
        Budget broke = new Budget(0);

        Mpsc<Integer> ch = Mpsc.bounded(4);
        ch.trySend(1);
        assertTrue(poll(ch.recv(), broke).isPending());
        assertTrue(poll(ch.recvMany(new ArrayList<>(), 4), broke).isPending());
        assertEquals(1, ch.size(), "nothing received");
        assertTrue(poll(ch.send(2), broke).isPending());
        assertEquals(1, ch.size(), "nothing sent");

        Semaphore s = new Semaphore(1);
        assertTrue(poll(s.acquire(1), broke).isPending());
        assertEquals(1, s.availablePermits(), "no permit taken");

        Notify n = new Notify();
        n.notifyOne();
        assertTrue(poll(n.notified(), broke).isPending());
        assertTrue(poll(n.notified(), new Budget(1)).isReady(), "the stored permit is still there");

        Mutex<String> m = new Mutex<>("v");
        assertTrue(poll(m.lock(), broke).isPending());
        assertFalse(m.isLocked());

        Oneshot<String> o = new Oneshot<>();
        o.send("x");
        assertTrue(o.poll(broke).isPending());
        assertEquals("x", o.poll(new Budget(1)).value());
    }

    @Test
    void senderThatRanOutOfBudgetWhileRegisteringStillSeesRoomFreedMeanwhile() {
        Mpsc<Integer> ch = Mpsc.bounded(1);
        ch.trySend(0);
        Async<Void> send = ch.send(1);
        // One unit: the send spends it, finds the channel full, and cannot register for room yet.
        assertTrue(poll(send, new Budget(1)).isPending());
        assertEquals(0, ch.tryRecv()); // room freed while the sender is not registered: nobody to notify
        // The runtime re-polls the sender after its deferred wake; it must not go to sleep now.
        assertTrue(poll(send, new Budget(10)).isReady());
        assertEquals(1, ch.tryRecv());
    }

    @Test
    void eachOperationSpendsOneUnit() {
        Budget b = new Budget(100);
        Mpsc<Integer> ch = Mpsc.unbounded();
        Async<Void> send = ch.send(1);
        assertTrue(poll(send, b).isReady());
        assertTrue(poll(ch.recv(), b).isReady());
        assertTrue(poll(new Semaphore(1).acquire(1), b).isReady());
        assertEquals(3, b.spent);
    }
}
