package dev.weft.task;

/** {@link Async#yieldNow()}: pending once with a deferred wake, then ready. Not thread-safe. */
final class YieldNow implements Async<Void> {
    private boolean yielded;

    @Override
    public Poll<Void> poll(Context cx) {
        if (yielded) {
            return Poll.ready(null);
        }
        yielded = true;
        cx.deferWake();
        return Poll.pending();
    }
}
