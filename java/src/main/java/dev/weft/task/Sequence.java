package dev.weft.task;

import java.util.Objects;
import java.util.function.Function;

/**
 * {@link Async#flatMap} and {@link Async#andThen}: runs the first computation, then the one made
 * from its value. Holds exactly one live child at a time, and {@link #cancel()} goes to that one.
 * Not thread-safe (polled by one task).
 */
final class Sequence<T, U> implements Async<U> {
    private Async<T> first;
    private Function<? super T, ? extends Async<? extends U>> next;
    private Async<? extends U> second;

    Sequence(Async<T> first, Function<? super T, ? extends Async<? extends U>> next) {
        this.first = Objects.requireNonNull(first, "first");
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<U> poll(Context cx) throws Exception {
        if (second == null) {
            Poll<T> p = first.poll(cx);
            if (p.isPending()) {
                return Poll.pending();
            }
            first = null; // done: never cancel it later
            Function<? super T, ? extends Async<? extends U>> f = next;
            next = null;
            second = Objects.requireNonNull(f.apply(p.value()), "flatMap function returned null");
        }
        return (Poll<U>) second.poll(cx);
    }

    @Override
    public void cancel() {
        if (first != null) {
            first.cancel();
        } else if (second != null) {
            second.cancel();
        }
    }
}
