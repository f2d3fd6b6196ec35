package dev.weft.io;

import dev.weft.sys.Posix;
import java.io.IOException;
import java.nio.channels.SelectableChannel;

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
     * Whether a {@link #poll(long)} could handle any event now: false only when nothing is
     * registered (a wake-up is no event), so a busy worker may skip its periodic non-blocking
     * poll, a system call that could find nothing. A registration made meanwhile from another
     * thread is seen by a later call; its readiness waits in the kernel until then. Defaults to
     * true (always poll).
     */
    default boolean mayHaveEvents() {
        return true;
    }

    /**
     * Makes a current or the next {@link #poll(long)} return promptly. Costs at most one
     * syscall, and none when the poller is not blocked.
     */
    void wakeup();

    /**
     * Registers a non-blocking file descriptor for edge-triggered readiness (readable,
     * writable, peer half-close, errors), once, for its whole life. Callable from any thread.
     * Close the returned {@link Registration} before closing the fd.
     *
     * @throws UnsupportedOperationException if this poller cannot watch raw descriptors (NIO)
     * @throws IllegalArgumentException for a negative fd
     * @throws IOException if the kernel refuses the fd (for example EBADF for a closed one)
     */
    Registration register(int fd) throws IOException;

    /**
     * Registers a non-blocking java.nio channel (a socket, server socket or datagram channel)
     * for the same edge-triggered readiness as {@link #register(int)}, once, for its whole life.
     * Callable from any thread. Close the returned {@link Registration} before closing the channel.
     *
     * @throws UnsupportedOperationException if this poller watches raw descriptors only (epoll)
     * @throws IllegalArgumentException for a channel in blocking mode
     * @throws java.nio.channels.ClosedChannelException if the channel or the poller is closed
     */
    default Registration register(SelectableChannel channel) throws IOException {
        throw new UnsupportedOperationException("the " + backendName() + " poller watches raw descriptors, not java.nio"
                + " channels like " + channel + " (channels need the NIO backend)");
    }

    /**
     * The checked syscalls of the binding this poller runs on, to create and drive the
     * sockets registered with it.
     *
     * @throws UnsupportedOperationException if this poller has no native binding (NIO)
     */
    Posix posix();

    /** A short name for logs and metrics, e.g. {@code "epoll-jni"}. */
    String backendName();

    /** Releases the poller's descriptors. */
    @Override
    void close();
}
