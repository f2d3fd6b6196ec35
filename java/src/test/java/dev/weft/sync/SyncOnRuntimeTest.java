package dev.weft.sync;

import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The primitives between real tasks on a two-worker runtime, including tasks aborted while waiting. */
class SyncOnRuntimeTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static Runtime rt;

    @BeforeAll
    static void start() {
        rt = Runtime.builder().workers(2).threadNamePrefix("weft-sync-test-").build();
    }

    @AfterAll
    static void stop() {
        rt.close();
    }

    /** Sends from..from+count-1 tagged with the producer id, one await at a time. */
    private static final class Producer implements Async<Void> {
        private final Mpsc<Long> ch;
        private final long id;
        private final int count;
        private int sent;
        private Async<Void> pending;

        Producer(Mpsc<Long> ch, long id, int count) {
            this.ch = ch;
            this.id = id;
            this.count = count;
        }

        @Override
        public Poll<Void> poll(Context cx) throws Exception {
            while (sent < count) {
                if (pending == null) {
                    pending = ch.send(id << 32 | sent);
                }
                if (pending.poll(cx).isPending()) {
                    return Poll.pending();
                }
                pending = null;
                sent++;
            }
            return Poll.ready(null);
        }

        @Override
        public void cancel() {
            if (pending != null) {
                pending.cancel();
            }
        }
    }

    /** Receives until the channel closes; checks per-producer order; completes with the count. */
    private static final class Consumer implements Async<Long> {
        private final Mpsc<Long> ch;
        private final int[] next;
        private long received;

        Consumer(Mpsc<Long> ch, int producers) {
            this.ch = ch;
            this.next = new int[producers];
        }

        @Override
        public Poll<Long> poll(Context cx) {
            for (;;) {
                Poll<Long> p = ch.pollRecv(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                Long m = p.value();
                if (m == null) {
                    return Poll.ready(received);
                }
                int id = (int) (m >>> 32);
                if ((int) (long) m != next[id]) {
                    throw new AssertionError("producer " + id + ": expected " + next[id] + ", got " + (int) (long) m);
                }
                next[id]++;
                received++;
            }
        }
    }

    private static long runChannel(Mpsc<Long> ch, int producers, int perProducer) throws Exception {
        JoinHandle<Long> consumer = rt.spawn(new Consumer(ch, producers));
        List<JoinHandle<Void>> senders = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            senders.add(rt.spawn(new Producer(ch, p, perProducer)));
        }
        for (JoinHandle<Void> s : senders) {
            s.join(LIMIT);
        }
        ch.close();
        return consumer.join(LIMIT);
    }

    @Test
    void boundedChannelBetweenTasksDeliversEverythingInOrder() throws Exception {
        assertEquals(4L * 200_000, runChannel(Mpsc.bounded(16), 4, 200_000));
    }

    @Test
    void unboundedChannelBetweenTasksDeliversEverythingInOrder() throws Exception {
        assertEquals(4L * 200_000, runChannel(Mpsc.unbounded(), 4, 200_000));
    }

    @Test
    void abortedSendersLeaveNoGhostAndLoseNoRoom() throws Exception {
        Mpsc<Long> ch = Mpsc.bounded(1);
        ch.trySend(-1L);
        List<JoinHandle<Void>> blocked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            blocked.add(rt.spawn(ch.send((long) i)));
        }
        while (!ch.isClosed() && ch.size() < 1) {
            Thread.onSpinWait();
        }
        // Abort every second waiting sender, then drain: each survivor must get its turn.
        for (int i = 0; i < blocked.size(); i += 2) {
            blocked.get(i).abort();
        }
        List<Long> got = new ArrayList<>();
        got.add(ch.blockingRecv());
        for (int survivors = blocked.size() / 2; got.size() < 1 + survivors; ) {
            got.add(ch.blockingRecv());
        }
        for (int i = 1; i < blocked.size(); i += 2) {
            blocked.get(i).join(LIMIT);
        }
        for (int i = 0; i < blocked.size(); i += 2) {
            JoinHandle<Void> h = blocked.get(i);
            if (h.isCancelled()) {
                assertThrows(CancellationException.class, () -> h.join(LIMIT));
            } else {
                got.add(ch.blockingRecv()); // it had sent before the abort landed
            }
        }
        assertNull(ch.tryRecv());
        assertEquals(got.size(), got.stream().distinct().count(), "no message delivered twice");
    }

    @Test
    void abortedReceiverCanBeReplaced() throws Exception {
        Mpsc<Integer> ch = Mpsc.unbounded();
        JoinHandle<Integer> first = rt.spawn(ch.recv());
        first.abort();
        assertThrows(CancellationException.class, () -> first.join(LIMIT));
        JoinHandle<Integer> second = rt.spawn(ch.recv());
        ch.trySend(42);
        assertEquals(42, second.join(LIMIT));
    }

    @Test
    void oneshotRequestReplyBetweenTasks() throws Exception {
        Mpsc<Oneshot<Integer>> requests = Mpsc.unbounded();
        JoinHandle<Void> server = rt.spawn(new Async<Void>() {
            @Override
            public Poll<Void> poll(Context cx) {
                for (;;) {
                    Poll<Oneshot<Integer>> p = requests.pollRecv(cx);
                    if (p.isPending()) {
                        return Poll.pending();
                    }
                    if (p.value() == null) {
                        return Poll.ready(null);
                    }
                    p.value().send(1);
                }
            }
        });
        int rounds = 1000;
        JoinHandle<Integer> client = rt.spawn(new Async<Integer>() {
            private int done;
            private Oneshot<Integer> reply;

            @Override
            public Poll<Integer> poll(Context cx) {
                while (done < rounds) {
                    if (reply == null) {
                        reply = new Oneshot<>();
                        requests.trySend(reply);
                    }
                    Poll<Integer> p = reply.poll(cx);
                    if (p.isPending()) {
                        return Poll.pending();
                    }
                    done += p.value();
                    reply = null;
                }
                return Poll.ready(done);
            }
        });
        assertEquals(rounds, client.join(LIMIT));
        requests.close();
        server.join(LIMIT);
    }

    @Test
    void semaphorePermitsAreConservedWhenWaitingAndHoldingTasksAreAborted() throws Exception {
        int initial = 3;
        Semaphore sem = new Semaphore(initial);
        SplittableRandom rnd = new SplittableRandom(7);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger overdraft = new AtomicInteger();
        List<JoinHandle<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = 1 + rnd.nextInt(initial);
            tasks.add(rt.spawn(sem.withPermits(n, () -> new Async<Integer>() {
                private boolean yielded;
                private boolean counted;

                @Override
                public Poll<Integer> poll(Context cx) {
                    if (!counted) {
                        counted = true;
                        if (held.addAndGet(n) > initial) {
                            overdraft.incrementAndGet();
                        }
                    }
                    if (!yielded) {
                        yielded = true;
                        cx.waker().wake();
                        return Poll.pending();
                    }
                    held.addAndGet(-n);
                    counted = false;
                    return Poll.ready(n);
                }

                @Override
                public void cancel() {
                    if (counted) {
                        held.addAndGet(-n);
                    }
                }
            })));
            if (rnd.nextInt(3) == 0) {
                tasks.get(rnd.nextInt(tasks.size())).abort();
            }
        }
        int cancelled = 0;
        for (JoinHandle<Integer> t : tasks) {
            try {
                t.join(LIMIT);
            } catch (CancellationException e) {
                cancelled++;
            }
        }
        assertTrue(cancelled > 0, "the test must abort some tasks");
        assertEquals(0, overdraft.get(), "more permits held than exist");
        assertEquals(initial, sem.availablePermits());
    }

    @Test
    void mutexIsNeverHeldByTwoTasksEvenWithAborts() throws Exception {
        Mutex<long[]> m = new Mutex<>(new long[1]);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong completed = new AtomicLong();
        SplittableRandom rnd = new SplittableRandom(11);
        List<JoinHandle<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            tasks.add(rt.spawn(m.withLock(g -> new Async<Void>() {
                private int step;

                @Override
                public Poll<Void> poll(Context cx) {
                    if (step == 0) {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        step = 1;
                        cx.waker().wake(); // hold the lock across a re-poll
                        return Poll.pending();
                    }
                    g.get()[0]++;
                    inside.decrementAndGet();
                    completed.incrementAndGet();
                    return Poll.ready(null);
                }

                @Override
                public void cancel() {
                    if (step == 1) {
                        inside.decrementAndGet();
                    }
                }
            })));
            if (rnd.nextInt(4) == 0) {
                tasks.get(rnd.nextInt(tasks.size())).abort();
            }
        }
        for (JoinHandle<Void> t : tasks) {
            try {
                t.join(LIMIT);
            } catch (CancellationException ignored) {
                // aborted on purpose; the lock must still have been released
            }
        }
        assertEquals(0, overlaps.get());
        Mutex.Guard<long[]> g = m.tryLock();
        assertNotNull(g, "no aborted holder kept the lock");
        assertEquals(completed.get(), g.get()[0]);
        g.close();
    }

    @Test
    void notifyWakesATaskWaitingOnAnotherWorker() throws Exception {
        Notify n = new Notify();
        for (int i = 0; i < 200; i++) {
            JoinHandle<Void> waiter = rt.spawn(n.notified());
            n.notifyOne();
            waiter.join(LIMIT);
        }
        JoinHandle<Void> aborted = rt.spawn(n.notified());
        aborted.abort();
        assertThrows(CancellationException.class, () -> aborted.join(LIMIT));
        n.notifyOne(); // stored as a permit, not lost to the aborted waiter
        rt.spawn(n.notified()).join(LIMIT);
    }
}
