package dev.weft.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The combinators, polled by hand with {@link Context#of}. */
class CombinatorsTest {
    private final AtomicInteger wakes = new AtomicInteger();
    private final Context cx = Context.of(wakes::incrementAndGet);

    /** Pending until released; counts cancels. */
    static final class Gate<T> implements Async<T> {
        T value;
        RuntimeException error;
        boolean open;
        int cancels;
        int polls;

        @Override
        public Poll<T> poll(Context cx) {
            polls++;
            if (error != null) {
                throw error;
            }
            return open ? Poll.ready(value) : Poll.pending();
        }

        @Override
        public void cancel() {
            cancels++;
        }

        Gate<T> open(T v) {
            value = v;
            open = true;
            return this;
        }
    }

    @Test
    void mapFlatMapAndThenRecover() throws Exception {
        assertEquals(3, Async.ready(1).map(x -> x + 2).poll(cx).value());
        assertEquals("2", Async.ready(1).flatMap(x -> Async.ready(String.valueOf(x + 1))).poll(cx).value());
        assertEquals("b", Async.ready("a").andThen(Async.ready("b")).poll(cx).value());
        Async<Integer> failing = Async.failed(new IllegalStateException("x"));
        assertEquals(-1, failing.recover(e -> e instanceof IllegalStateException ? -1 : 0).poll(cx).value());
        assertThrows(IllegalStateException.class, () -> failing.poll(cx));
    }

    @Test
    void flatMapForwardsCancelToTheLiveChildOnly() throws Exception {
        Gate<Integer> first = new Gate<>();
        Gate<Integer> second = new Gate<>();
        Async<Integer> seq = first.flatMap(x -> second);
        assertTrue(seq.poll(cx).isPending());
        first.open(1);
        assertTrue(seq.poll(cx).isPending());
        seq.cancel();
        assertEquals(0, first.cancels, "a finished child is not cancelled");
        assertEquals(1, second.cancels);
    }

    @Test
    void allWaitsForEveryOneAndCancelsTheRestWhenOneFails() throws Exception {
        Gate<Integer> a = new Gate<>();
        Gate<Integer> b = new Gate<>();
        Async<List<Integer>> all = Async.all(List.of(a, b));
        assertTrue(all.poll(cx).isPending());
        a.open(1);
        assertTrue(all.poll(cx).isPending());
        b.open(2);
        assertEquals(List.of(1, 2), all.poll(cx).value());

        Gate<Integer> c = new Gate<>();
        Gate<Integer> d = new Gate<>();
        Async<List<Integer>> failing = Async.all(List.of(c, d));
        assertTrue(failing.poll(cx).isPending());
        c.error = new IllegalArgumentException("c failed");
        assertThrows(IllegalArgumentException.class, () -> failing.poll(cx));
        assertEquals(0, c.cancels, "the failed child is not cancelled");
        assertEquals(1, d.cancels, "the others are");
        assertEquals("1+2", Async.join(Async.ready(1), Async.ready(2), (x, y) -> x + "+" + y).poll(cx).value());
    }

    @Test
    void raceTakesTheFirstAndCancelsTheLosers() throws Exception {
        Gate<String> slow = new Gate<>();
        Gate<String> fast = new Gate<>();
        Async<String> race = Async.race(slow, fast);
        assertTrue(race.poll(cx).isPending());
        fast.open("fast");
        assertEquals("fast", race.poll(cx).value());
        assertEquals(1, slow.cancels);
        assertEquals(0, fast.cancels);
        assertThrows(IllegalArgumentException.class, () -> Async.race(List.of()));
    }

    @Test
    void loopIteratesUntilDone() throws Exception {
        List<Integer> seen = new ArrayList<>();
        Async<Integer> loop = Async.loop(0, n -> n >= 5, n -> {
            seen.add(n);
            return Async.ready(n + 1);
        });
        assertEquals(5, loop.poll(cx).value());
        assertEquals(List.of(0, 1, 2, 3, 4), seen);
    }

    @Test
    void yieldNowIsPendingOnceWithADeferredWake() throws Exception {
        Async<Void> y = Async.yieldNow();
        assertTrue(y.poll(cx).isPending());
        assertEquals(1, wakes.get(), "Context.of turns a deferred wake into a wake");
        assertTrue(y.poll(cx).isReady());
    }

    @Test
    void fromCompletionStageWakesAndUnwraps() throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        Async<String> a = Async.from(f);
        assertTrue(a.poll(cx).isPending());
        f.complete("done");
        assertEquals(1, wakes.get());
        assertEquals("done", a.poll(cx).value());

        CompletableFuture<String> g = new CompletableFuture<>();
        Async<String> b = Async.from(g.thenApply(s -> s));
        assertTrue(b.poll(cx).isPending());
        g.completeExceptionally(new IllegalStateException("bad"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.poll(cx));
        assertEquals("bad", e.getMessage());
    }
}
