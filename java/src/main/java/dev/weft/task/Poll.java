package dev.weft.task;

import java.util.Objects;

/**
 * The result of one {@link Async#poll(Context)}: either pending (the task registered its
 * waker and will be woken) or ready with a value.
 *
 * <p>{@link #pending()} and {@code ready(null)} are shared instances, so leaf operations that
 * complete with no value do not allocate.
 */
public final class Poll<T> {
    private static final Poll<?> PENDING = new Poll<>(null, false);
    private static final Poll<?> READY_NULL = new Poll<>(null, true);

    private final T value;
    private final boolean ready;

    private Poll(T value, boolean ready) {
        this.value = value;
        this.ready = ready;
    }

    /** Not ready yet; the waker in the {@link Context} has been handed to whatever will wake it. */
    @SuppressWarnings("unchecked")
    public static <T> Poll<T> pending() {
        return (Poll<T>) PENDING;
    }

    /** Ready with {@code value} (which may be {@code null}). */
    @SuppressWarnings("unchecked")
    public static <T> Poll<T> ready(T value) {
        return value == null ? (Poll<T>) READY_NULL : new Poll<>(value, true);
    }

    public boolean isReady() {
        return ready;
    }

    public boolean isPending() {
        return !ready;
    }

    /** The value of a ready poll; an {@link IllegalStateException} on a pending one. */
    public T value() {
        if (!ready) {
            throw new IllegalStateException("Poll.value() called on a pending poll");
        }
        return value;
    }

    /** Applies {@code f} to a ready value; a pending poll stays pending (and is not copied). */
    @SuppressWarnings("unchecked")
    public <U> Poll<U> map(java.util.function.Function<? super T, ? extends U> f) {
        Objects.requireNonNull(f, "f");
        return ready ? Poll.ready(f.apply(value)) : (Poll<U>) this;
    }

    @Override
    public String toString() {
        return ready ? "Ready(" + value + ")" : "Pending";
    }
}
