package dev.weft.io;

import java.io.IOException;

/**
 * A worker's source of readiness: it waits for I/O events, wakes the wakers registered for
 * them, and can be woken early from another thread.
 *
 * <p>Thread-safety: {@link #poll(long)} is called by one thread at a time (the owning worker,
 * or a thief that holds the owner's poll permission); {@link #wakeup()} may be called from any
 * thread at any time; {@link #close()} once, by the owner, after its last poll.
 */
public interface Poller extends AutoCloseable {

    /**
     * Waits for events up to {@code timeoutNanos} (negative: no limit; zero: do not block),
     * wakes the wakers of the ready registrations, and returns how many events it handled
     * (a wake-up counts as none). Returns early after {@link #wakeup()}.
     */
    int poll(long timeoutNanos) throws IOException;

    /**
     * Makes a current or the next {@link #poll(long)} return promptly. Costs at most one
     * syscall, and none when the poller is not blocked.
     */
    void wakeup();

    /** A short name for logs and metrics, e.g. {@code "epoll-jni"}. */
    String backendName();

    /** Releases the poller's descriptors. */
    @Override
    void close();
}
