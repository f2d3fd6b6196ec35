package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static dev.weft.sync.SemaphoreTest.poll;
import static org.junit.jupiter.api.Assertions.*;

class MpscTest {

    /** capacity -1 means unbounded. */
    private static Mpsc<Integer> channel(int capacity) {
        return capacity < 0 ? Mpsc.unbounded() : Mpsc.bounded(capacity);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1, 3, 64})
    void messagesArriveInOrder(int capacity) {
        Mpsc<Integer> ch = channel(capacity);
        int n = capacity < 0 ? 1000 : capacity;
        for (int i = 0; i < n; i++) {
            assertTrue(ch.trySend(i));
        }
        assertEquals(n, ch.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, ch.tryRecv());
        }
        assertNull(ch.tryRecv());
    }

    @Test
    void boundedChannelRefusesWhenFullAndTakesAgainAfterARecv() {
        Mpsc<Integer> ch = Mpsc.bounded(2);
        assertTrue(ch.trySend(1));
        assertTrue(ch.trySend(2));
        assertFalse(ch.trySend(3));
        assertEquals(1, ch.tryRecv());
        assertTrue(ch.trySend(3));
        assertEquals(2, ch.capacity());
        assertEquals(-1, Mpsc.unbounded().capacity());
    }

    @Test
    void pendingReceiverIsWokenByASend() {
        Mpsc<Integer> ch = Mpsc.unbounded();
        CountingWaker w = new CountingWaker();
        assertTrue(poll(ch.recv(), w.cx).isPending());
        ch.trySend(5);
        assertTrue(w.woken());
        assertEquals(5, poll(ch.recv(), w.cx).value());
    }

    @Test
    void senderWaitsForRoomAndIsWokenByARecv() {
        Mpsc<Integer> ch = Mpsc.bounded(1);
        ch.trySend(1);
        CountingWaker sw = new CountingWaker();
        Async<Void> send = ch.send(2);
        assertTrue(poll(send, sw.cx).isPending());
        assertEquals(1, ch.tryRecv());
        assertTrue(sw.woken());
        assertTrue(poll(send, sw.cx).isReady());
        assertEquals(2, ch.tryRecv());
    }

    @Test
    void cancelledSenderSendsNothingAndPassesRoomOn() {
        Mpsc<Integer> ch = Mpsc.bounded(1);
        ch.trySend(1);
        Async<Void> first = ch.send(2);
        CountingWaker second = new CountingWaker();
        Async<Void> other = ch.send(3);
        assertTrue(poll(first, new CountingWaker().cx).isPending());
        assertTrue(poll(other, second.cx).isPending());
        assertEquals(1, ch.tryRecv());   // room notification goes to `first`
        first.cancel();                  // ... which passes it on
        assertTrue(second.woken());
        assertTrue(poll(other, second.cx).isReady());
        assertEquals(3, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 4})
    void closeLetsTheReceiverDrainThenSignalsTheEnd(int capacity) {
        Mpsc<Integer> ch = channel(capacity);
        ch.trySend(1);
        ch.trySend(2);
        ch.close();
        assertTrue(ch.isClosed());
        assertThrows(ClosedException.class, () -> ch.trySend(3));
        CountingWaker w = new CountingWaker();
        assertEquals(1, poll(ch.recv(), w.cx).value());
        assertEquals(2, poll(ch.recv(), w.cx).value());
        Poll<Integer> end = poll(ch.recv(), w.cx);
        assertTrue(end.isReady());
        assertNull(end.value());
    }

    @Test
    void closeWakesTheWaitingReceiverAndEveryWaitingSender() {
        Mpsc<Integer> ch = Mpsc.bounded(1);
        ch.trySend(0);
        List<CountingWaker> senders = new ArrayList<>();
        List<Async<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CountingWaker w = new CountingWaker();
            Async<Void> s = ch.send(i + 1);
            assertTrue(poll(s, w.cx).isPending());
            senders.add(w);
            sends.add(s);
        }
        Mpsc<Integer> empty = Mpsc.unbounded();
        CountingWaker rw = new CountingWaker();
        assertTrue(poll(empty.recv(), rw.cx).isPending());
        empty.close();
        assertTrue(rw.woken());
        assertNull(poll(empty.recv(), rw.cx).value());

        ch.close();
        for (int i = 0; i < 3; i++) {
            assertTrue(senders.get(i).woken());
            Async<Void> s = sends.get(i);
            CountingWaker w = senders.get(i);
            assertThrows(ClosedException.class, () -> s.poll(w.cx));
        }
        assertEquals(0, ch.tryRecv());
    }

    @Test
    void recvManyMovesWhatIsThereUpToMax() {
        Mpsc<Integer> ch = Mpsc.bounded(8);
        CountingWaker w = new CountingWaker();
        List<Integer> into = new ArrayList<>();
        Async<Integer> many = ch.recvMany(into, 3);
        assertTrue(poll(many, w.cx).isPending());
        for (int i = 0; i < 5; i++) {
            ch.trySend(i);
        }
        assertTrue(w.woken());
        assertEquals(3, poll(many, w.cx).value());
        assertEquals(2, poll(ch.recvMany(into, 10), w.cx).value());
        assertEquals(List.of(0, 1, 2, 3, 4), into);
        ch.close();
        assertEquals(0, poll(ch.recvMany(into, 10), w.cx).value());
        assertThrows(IllegalArgumentException.class, () -> ch.recvMany(into, 0));
    }

    @Test
    void unboundedChannelCrossesManyBlocks() {
        Mpsc<Integer> ch = Mpsc.unbounded();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10 * BlockQueue.BLOCK + 7; i++) {
                ch.trySend(i);
            }
            for (int i = 0; i < 10 * BlockQueue.BLOCK + 7; i++) {
                assertEquals(i, ch.tryRecv());
            }
        }
        assertNull(ch.tryRecv());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Mpsc.bounded(0));
        assertThrows(NullPointerException.class, () -> Mpsc.unbounded().trySend(null));
        assertThrows(NullPointerException.class, () -> Mpsc.unbounded().send(null));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1024})
    void fourProducersOfAMillionEachAreReceivedOnceAndInOrder(int capacity) throws Exception {
        Mpsc<Long> ch = capacity < 0 ? Mpsc.unbounded() : Mpsc.bounded(capacity);
        int producers = 4;
        int perProducer = 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        ch.blockingSend(id << 32 | i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
            t.start();
        }
        Thread closer = new Thread(() -> {
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            ch.close();
        });
        closer.start();
        int[] next = new int[producers];
        long received = 0;
        Long m;
        while ((m = ch.blockingRecv()) != null) {
            int id = (int) (m >>> 32);
            int seq = (int) (long) m;
            assertEquals(next[id], seq, "producer " + id + " out of order or duplicated");
            next[id]++;
            received++;
        }
        closer.join();
        assertEquals((long) producers * perProducer, received);
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, next[p]);
        }
    }
}
