package dev.weft.io;

import dev.weft.task.Context;
import dev.weft.task.Waker;
import java.util.concurrent.atomic.AtomicInteger;

/** A waker that counts its wakes, and a context around it. */
final class CountingWaker implements Waker {
    final AtomicInteger wakes = new AtomicInteger();
    final Context cx = Context.of(this);

    @Override
    public void wake() {
        wakes.incrementAndGet();
    }

    int count() {
        return wakes.get();
    }
}
