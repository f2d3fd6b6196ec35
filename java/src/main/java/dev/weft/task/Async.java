package dev.weft.task;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A pull-based asynchronous computation, in the manner of Rust's {@code Future}.
 *
 * <p>The runtime calls {@link #poll(Context)}; it returns {@link Poll#ready(Object)} when the
 * work is done, or {@link Poll#pending()} after handing {@code cx.waker()} to whatever it waits
 * on, which wakes it when progress is possible. A poll must not block. Throwing from a poll
 * completes the computation exceptionally. Once ready, an {@code Async} must not be polled
 * again.
 *
 * <p><b>Cancellation.</b> Java has no destructor, so an {@code Async} abandoned before it
 * completed (its task aborted, its runtime closed, a {@code race} lost, a {@code timeout} fired)
 * is told so through {@link #cancel()}. Anything that registered itself somewhere on a poll (a
 * waiter node in a channel, a timer entry, a half-acquired permit) releases it there, so no
 * ghost waiter is left and nothing is lost. Combinators forward {@code cancel()} to the children
 * they are still polling.
 */
@FunctionalInterface
public interface Async<T> {

    Poll<T> poll(Context cx) throws Exception;

    /**
     * Called at most once, when this computation is abandoned before it completed; never
     * concurrently with {@link #poll(Context)}, but possibly from another thread than the last
     * poll. Must not block. The default holds nothing and does nothing.
     */
    default void cancel() {
    }

    // ---- combinators (each returns a new Async; none polls anything until it is polled) ----

    /** Completes with {@code f} applied to this computation's value. */
    default <U> Async<U> map(Function<? super T, ? extends U> f) {
        return new Mapped<>(this, f);
    }

    /** Runs this, then the computation {@code f} makes from its value, and completes with that one's value. */
    default <U> Async<U> flatMap(Function<? super T, ? extends Async<? extends U>> f) {
        return new Sequence<>(this, f);
    }

    /** Runs this, then {@code next}, and completes with {@code next}'s value. */
    default <U> Async<U> andThen(Async<? extends U> next) {
        java.util.Objects.requireNonNull(next, "next");
        return new Sequence<>(this, ignored -> next);
    }

    /** Completes with this computation's value, or with {@code f} applied to what its poll threw. */
    default Async<T> recover(Function<? super Throwable, ? extends T> f) {
        return new Recover<>(this, f);
    }

    /** Already complete with {@code value}. */
    static <T> Async<T> ready(T value) {
        Poll<T> p = Poll.ready(value);
        return cx -> p;
    }

    /** Already failed with {@code error}: its poll throws it (checked ones wrapped by nothing, as thrown). */
    static <T> Async<T> failed(Throwable error) {
        java.util.Objects.requireNonNull(error, "error");
        return cx -> {
            throw Recover.sneaky(error);
        };
    }

    /**
     * Pending once, asking to be polled again behind the other tasks queued on its worker
     * ({@link Context#deferWake()}), then complete with {@code null}.
     */
    static Async<Void> yieldNow() {
        return new YieldNow();
    }

    /**
     * Waits for both, polling each as it may progress, and completes with {@code combine} of
     * their values. If either fails, the other is cancelled and the failure propagates.
     */
    static <A, B, R> Async<R> join(Async<A> a, Async<B> b, BiFunction<? super A, ? super B, ? extends R> combine) {
        java.util.Objects.requireNonNull(combine, "combine");
        return new All<Object>(List.of(a, b)).map(values -> {
            @SuppressWarnings("unchecked") A va = (A) values.get(0);
            @SuppressWarnings("unchecked") B vb = (B) values.get(1);
            return combine.apply(va, vb);
        });
    }

    /**
     * Waits for all, and completes with their values in order. If one fails, the ones still
     * running are cancelled and the failure propagates.
     */
    static <T> Async<List<T>> all(List<? extends Async<? extends T>> asyncs) {
        return new All<>(asyncs);
    }

    /**
     * Completes as the first of {@code asyncs} to complete (with its value or its failure);
     * the others are cancelled.
     */
    static <T> Async<T> race(List<? extends Async<? extends T>> asyncs) {
        return new Race<>(asyncs);
    }

    /** {@link #race(List)} of two. */
    static <T> Async<T> race(Async<? extends T> a, Async<? extends T> b) {
        return new Race<>(List.of(a, b));
    }

    /**
     * Iterates: starting from {@code initial}, while {@code done} rejects the state, runs
     * {@code step} on it and takes its value as the next state. Completes with the first state
     * {@code done} accepts.
     */
    static <S> Async<S> loop(S initial, Predicate<? super S> done, Function<? super S, ? extends Async<? extends S>> step) {
        return new Loop<>(initial, done, step);
    }

    /**
     * Adapts a {@link CompletionStage}: completes with its value, or fails with its cause.
     * Cancelling the returned computation does not cancel the stage (others may share it).
     */
    static <T> Async<T> from(CompletionStage<? extends T> stage) {
        return new FromStage<>(stage);
    }
}
