package dev.weft.sync;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class NotifyTest {

    @Test
    void notifyOneWithoutWaiterStoresOnePermit() {
        Notify n = new Notify();
        n.notifyOne();
        n.notifyOne();
        CountingWaker w = new CountingWaker();
        assertTrue(n.notified().poll(w.cx).isReady());
        assertTrue(n.notified().poll(w.cx).isPending(), "only one permit is stored");
    }

    @Test
    void notifyOneWakesTheOldestWaiterFirst() {
        Notify n = new Notify();
        CountingWaker a = new CountingWaker();
        CountingWaker b = new CountingWaker();
        Notify.Notified na = n.notified();
        Notify.Notified nb = n.notified();
        assertTrue(na.poll(a.cx).isPending());
        assertTrue(nb.poll(b.cx).isPending());
        n.notifyOne();
        assertTrue(a.woken());
        assertFalse(b.woken());
        assertTrue(na.poll(a.cx).isReady());
        assertTrue(nb.poll(b.cx).isPending());
    }

    @Test
    void notifyWaitersWakesAllAndStoresNoPermit() {
        Notify n = new Notify();
        CountingWaker a = new CountingWaker();
        CountingWaker b = new CountingWaker();
        Notify.Notified na = n.notified();
        Notify.Notified nb = n.notified();
        assertTrue(na.poll(a.cx).isPending());
        assertTrue(nb.poll(b.cx).isPending());
        n.notifyWaiters();
        assertTrue(a.woken() && b.woken());
        assertTrue(na.poll(a.cx).isReady());
        assertTrue(nb.poll(b.cx).isReady());
        assertTrue(n.notified().poll(a.cx).isPending());
        assertTrue(n.hasWaiters());
    }

    @Test
    void notifiedCreatedBeforeNotifyWaitersCompletesEvenIfNotYetPolled() {
        Notify n = new Notify();
        Notify.Notified early = n.notified();
        n.notifyWaiters();
        assertTrue(early.poll(new CountingWaker().cx).isReady());
        assertTrue(n.notified().poll(new CountingWaker().cx).isPending());
    }

    @Test
    void cancelledWaiterPassesItsNotificationOn() {
        Notify n = new Notify();
        CountingWaker a = new CountingWaker();
        CountingWaker b = new CountingWaker();
        Notify.Notified na = n.notified();
        Notify.Notified nb = n.notified();
        na.poll(a.cx);
        nb.poll(b.cx);
        n.notifyOne();       // handed to a
        na.cancel();         // a never saw it: b gets it
        assertTrue(b.woken());
        assertTrue(nb.poll(b.cx).isReady());
    }

    @Test
    void cancelledWaiterWithNoOneBehindRestoresThePermit() {
        Notify n = new Notify();
        Notify.Notified na = n.notified();
        na.poll(new CountingWaker().cx);
        n.notifyOne();
        na.cancel();
        assertTrue(n.notified().poll(new CountingWaker().cx).isReady());
    }

    @Test
    void cancelledWaiterLeavesNoGhost() {
        Notify n = new Notify();
        Notify.Notified na = n.notified();
        na.poll(new CountingWaker().cx);
        assertTrue(n.hasWaiters());
        na.cancel();
        assertFalse(n.hasWaiters());
        n.notifyOne();       // stored, not sent to the cancelled waiter
        assertTrue(n.notified().poll(new CountingWaker().cx).isReady());
    }

    @Test
    void threadsWaitingAreAllReleased() throws Exception {
        Notify n = new Notify();
        int rounds = 2_000;
        Thread waiter = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                try {
                    BlockingWait.await(n.notified());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        waiter.start();
        while (waiter.isAlive()) {
            n.notifyOne();
            Thread.onSpinWait();
        }
        waiter.join();
    }
}
