package dev.weft.task;

import java.util.List;

/**
 * {@link Async#race}: polls the children in order; the first to complete (with a value or by
 * throwing) decides, and every other child is cancelled. Not thread-safe.
 */
final class Race<T> implements Async<T> {
    private final Async<? extends T>[] children;
    private boolean finished;

    @SuppressWarnings("unchecked")
    Race(List<? extends Async<? extends T>> asyncs) {
        if (asyncs == null) {
            throw new NullPointerException("asyncs");
        }
        if (asyncs.isEmpty()) {
            throw new IllegalArgumentException("race of no computations would never complete");
        }
        this.children = asyncs.toArray(new Async[0]);
        for (int i = 0; i < children.length; i++) {
            if (children[i] == null) {
                throw new NullPointerException("asyncs[" + i + "] is null");
            }
        }
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
        for (int i = 0; i < children.length; i++) {
            Poll<? extends T> p;
            try {
                p = children[i].poll(cx);
            } catch (Throwable t) {
                cancelAllBut(i);
                throw Recover.sneaky(t);
            }
            if (p.isReady()) {
                cancelAllBut(i);
                return Poll.ready(p.value());
            }
        }
        return Poll.pending();
    }

    private void cancelAllBut(int winner) {
        finished = true;
        for (int i = 0; i < children.length; i++) {
            if (i != winner) {
                children[i].cancel();
            }
        }
    }

    @Override
    public void cancel() {
        if (!finished) {
            cancelAllBut(-1);
        }
    }
}
