package dev.weft.task;

import java.util.Objects;
import java.util.function.Function;

/** {@link Async#map}: the source's value through a function. Not thread-safe (polled by one task). */
final class Mapped<T, U> implements Async<U> {
    private final Async<T> source;
    private final Function<? super T, ? extends U> f;

    Mapped(Async<T> source, Function<? super T, ? extends U> f) {
        this.source = Objects.requireNonNull(source, "source");
        this.f = Objects.requireNonNull(f, "f");
    }

    @Override
    public Poll<U> poll(Context cx) throws Exception {
        Poll<T> p = source.poll(cx);
        return p.isReady() ? Poll.ready(f.apply(p.value())) : Poll.pending();
    }

    @Override
    public void cancel() {
        source.cancel();
    }
}
