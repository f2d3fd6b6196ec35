package dev.weft.scheduler;

import org.junit.jupiter.api.Test;

import static dev.weft.scheduler.QueueLincheckTest.id;
import static dev.weft.scheduler.QueueLincheckTest.task;
import static org.junit.jupiter.api.Assertions.*;

/** Single-threaded behaviour of the local ring: order, overflow, steal sizes. */
class LocalQueueTest {

    @Test
    void popsInFifoOrder() {
        LocalQueue q = new LocalQueue();
        InjectQueue inject = new InjectQueue();
        for (int i = 0; i < 10; i++) {
            assertFalse(q.push(task(i), inject));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(i, id(q.pop()));
        }
        assertNull(q.pop());
    }

    @Test
    void aFullRingMovesItsOlderHalfPlusTheNewTaskToTheInjectQueueInOrder() {
        LocalQueue q = new LocalQueue();
        InjectQueue inject = new InjectQueue();
        for (int i = 0; i < LocalQueue.CAPACITY; i++) {
            assertFalse(q.push(task(i), inject));
        }
        assertTrue(q.push(task(999), inject), "the 257th push overflows");
        assertEquals(LocalQueue.CAPACITY / 2 + 1, inject.len());
        assertEquals(LocalQueue.CAPACITY / 2, q.len());
        for (int i = 0; i < LocalQueue.CAPACITY / 2; i++) {
            assertEquals(i, id(inject.pop()));
        }
        assertEquals(999, id(inject.pop()));
        for (int i = LocalQueue.CAPACITY / 2; i < LocalQueue.CAPACITY; i++) {
            assertEquals(i, id(q.pop()));
        }
    }

    @Test
    void aStealTakesHalfRoundedUpFromTheHead() {
        LocalQueue victim = new LocalQueue();
        LocalQueue thief = new LocalQueue();
        InjectQueue inject = new InjectQueue();
        for (int i = 0; i < 5; i++) {
            victim.push(task(i), inject);
        }
        Task<?> first = victim.stealInto(thief);
        assertNotNull(first);
        assertEquals(2, id(first), "the last stolen task is handed back to run");
        assertEquals(0, id(thief.pop()));
        assertEquals(1, id(thief.pop()));
        assertNull(thief.pop());
        assertEquals(3, id(victim.pop()));
        assertEquals(4, id(victim.pop()));
        assertNull(victim.stealInto(thief), "nothing left to steal");
    }

    @Test
    void indicesWrapAroundTheRingManyTimes() {
        LocalQueue q = new LocalQueue();
        LocalQueue thief = new LocalQueue();
        InjectQueue inject = new InjectQueue();
        int next = 0;
        int expect = 0;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 100; i++) {
                q.push(task(next++), inject);
            }
            for (int i = 0; i < 50; i++) {
                assertEquals(expect++, id(q.pop()));
            }
            Task<?> s = q.stealInto(thief);
            int stolen = 0;
            if (s != null) {
                stolen++;
                while (thief.pop() != null) {
                    stolen++;
                }
            }
            expect += stolen;
            while (q.pop() != null) {
                expect++;
            }
            assertEquals(next, expect);
        }
    }
}
