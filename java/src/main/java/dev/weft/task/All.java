package dev.weft.task;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * {@link Async#all} and {@link Async#join}: polls every child that is not done yet on each poll
 * (a wake from any child re-polls the group; children that are not ready register the same
 * waker again). Done children are dropped at once, so {@link #cancel()} reaches only the ones
 * still running. The first failure cancels the rest and propagates. Not thread-safe.
 */
final class All<T> implements Async<List<T>> {
    private final Async<? extends T>[] children;
    private final Object[] values;
    private int remaining;

    @SuppressWarnings("unchecked")
    All(List<? extends Async<? extends T>> asyncs) {
        if (asyncs == null) {
            throw new NullPointerException("asyncs");
        }
        this.children = asyncs.toArray(new Async[0]);
        for (int i = 0; i < children.length; i++) {
            if (children[i] == null) {
                throw new NullPointerException("asyncs[" + i + "] is null");
            }
        }
        this.values = new Object[children.length];
        this.remaining = children.length;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<List<T>> poll(Context cx) throws Exception {
        for (int i = 0; i < children.length && remaining > 0; i++) {
            Async<? extends T> child = children[i];
            if (child == null) {
                continue;
            }
            Poll<? extends T> p;
            try {
                p = child.poll(cx);
            } catch (Throwable t) {
                children[i] = null;
                cancel();
                throw Recover.sneaky(t);
            }
            if (p.isReady()) {
                values[i] = p.value();
                children[i] = null;
                remaining--;
            }
        }
        if (remaining > 0) {
            return Poll.pending();
        }
        return Poll.ready((List<T>) Collections.unmodifiableList(Arrays.asList(values)));
    }

    @Override
    public void cancel() {
        for (int i = 0; i < children.length; i++) {
            Async<? extends T> child = children[i];
            if (child != null) {
                children[i] = null;
                child.cancel();
            }
        }
        remaining = 0;
    }
}
