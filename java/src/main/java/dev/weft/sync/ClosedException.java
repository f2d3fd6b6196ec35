package dev.weft.sync;

/**
 * Thrown (or used to complete an {@code Async} exceptionally) when an operation meets a
 * synchronization primitive that has been closed: a send into a closed {@link Mpsc}, an acquire
 * on a closed {@link Semaphore}, a receive from a {@link Oneshot} whose sender closed without a
 * value.
 */
public final class ClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClosedException(String message) {
        super(message);
    }
}
