package dev.weft.sync;

import dev.weft.task.Context;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OneshotTest {

    @Test
    void valueSentBeforeThePollIsReadyAtOnce() {
        Oneshot<String> ch = new Oneshot<>();
        assertTrue(ch.send("a"));
        assertEquals("a", ch.poll(new CountingWaker().cx).value());
    }

    @Test
    void pendingReceiverIsWokenBySend() {
        Oneshot<String> ch = new Oneshot<>();
        CountingWaker w = new CountingWaker();
        assertTrue(ch.poll(w.cx).isPending());
        assertFalse(w.woken());
        ch.send("b");
        assertEquals(1, w.wakes());
        assertEquals("b", ch.poll(w.cx).value());
    }

    @Test
    void repollWithAnotherWakerMovesTheRegistration() {
        Oneshot<Integer> ch = new Oneshot<>();
        CountingWaker first = new CountingWaker();
        CountingWaker second = new CountingWaker();
        assertTrue(ch.poll(first.cx).isPending());
        assertTrue(ch.poll(second.cx).isPending());
        ch.send(7);
        assertFalse(first.woken());
        assertTrue(second.woken());
        assertEquals(7, ch.poll(second.cx).value());
    }

    @Test
    void senderClosingWithoutValueFailsTheReceiver() {
        Oneshot<String> ch = new Oneshot<>();
        CountingWaker w = new CountingWaker();
        assertTrue(ch.poll(w.cx).isPending());
        ch.closeSender();
        assertTrue(w.woken());
        assertThrows(ClosedException.class, () -> ch.poll(w.cx));
    }

    @Test
    void sendAfterReceiverCancelledReturnsFalse() {
        Oneshot<String> ch = new Oneshot<>();
        assertTrue(ch.poll(new CountingWaker().cx).isPending());
        ch.cancel();
        assertTrue(ch.isReceiverClosed());
        assertFalse(ch.send("lost"));
    }

    @Test
    void secondSendIsRejected() {
        Oneshot<String> ch = new Oneshot<>();
        ch.send("x");
        assertThrows(IllegalStateException.class, () -> ch.send("y"));
        assertThrows(NullPointerException.class, () -> new Oneshot<String>().send(null));
    }

    @Test
    void tryRecvSeesNothingThenTheValue() {
        Oneshot<String> ch = new Oneshot<>();
        assertNull(ch.tryRecv());
        ch.send("v");
        assertEquals("v", ch.tryRecv());
        assertThrows(IllegalStateException.class, ch::tryRecv);
    }

    @Test
    void budgetSpentMeansPendingWithoutTakingTheValue() {
        Oneshot<String> ch = new Oneshot<>();
        ch.send("kept");
        Context broke = new Context() {
            @Override public dev.weft.task.Waker waker() { return () -> { }; }
            @Override public boolean consumeBudget() { return false; }
            @Override public int remainingBudget() { return 0; }
            @Override public void deferWake() { }
        };
        assertTrue(ch.poll(broke).isPending());
        assertEquals("kept", ch.poll(new CountingWaker().cx).value());
    }

    @Test
    void blockingRecvGetsAValueFromAnotherThread() throws Exception {
        for (int round = 0; round < 200; round++) {
            Oneshot<Integer> ch = new Oneshot<>();
            int expected = round;
            Thread t = new Thread(() -> ch.send(expected));
            t.start();
            assertEquals(expected, ch.blockingRecv());
            t.join();
        }
    }

    @Test
    void racingSendAndPollNeverLoseTheValue() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            Oneshot<Integer> ch = new Oneshot<>();
            CountingWaker w = new CountingWaker();
            Thread sender = new Thread(() -> ch.send(1));
            sender.start();
            Poll<Integer> p = ch.poll(w.cx);
            sender.join();
            if (p.isPending()) {
                assertTrue(w.woken(), "a pending receiver must have been woken by the send");
                p = ch.poll(w.cx);
            }
            assertEquals(1, p.value());
        }
    }
}
