package dev.weft.sync;

import dev.weft.task.Context;
import dev.weft.task.Waker;

import java.util.concurrent.atomic.AtomicInteger;

/** A waker for driving Asyncs by hand: counts its wakes. */
final class CountingWaker implements Waker {
    private final AtomicInteger wakes = new AtomicInteger();
    final Context cx = Context.of(this);

    @Override
    public void wake() {
        wakes.incrementAndGet();
    }

    int wakes() {
        return wakes.get();
    }

    boolean woken() {
        return wakes.get() > 0;
    }
}
