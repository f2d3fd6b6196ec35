package dev.weft.net;

/**
 * How a {@link TcpListener} binds: the accept backlog, {@code SO_REUSEADDR} (on by default, so
 * a restarted server can bind while old connections linger in TIME_WAIT) and
 * {@code SO_REUSEPORT} (off by default; on, several listeners share one port and the kernel
 * spreads incoming connections over them, which is how each worker gets its own listener).
 *
 * <p>Immutable; the {@code with} methods return a changed copy.
 */
public final class ListenOptions {
    private static final ListenOptions DEFAULTS = new ListenOptions(1024, true, false);

    private final int backlog;
    private final boolean reuseAddress;
    private final boolean reusePort;

    private ListenOptions(int backlog, boolean reuseAddress, boolean reusePort) {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
        this.backlog = backlog;
        this.reuseAddress = reuseAddress;
        this.reusePort = reusePort;
    }

    /** Backlog 1024, {@code SO_REUSEADDR} on, {@code SO_REUSEPORT} off. */
    public static ListenOptions defaults() {
        return DEFAULTS;
    }

    public ListenOptions withBacklog(int backlog) {
        return new ListenOptions(backlog, reuseAddress, reusePort);
    }

    public ListenOptions withReuseAddress(boolean on) {
        return new ListenOptions(backlog, on, reusePort);
    }

    public ListenOptions withReusePort(boolean on) {
        return new ListenOptions(backlog, reuseAddress, on);
    }

    public int backlog() {
        return backlog;
    }

    public boolean reuseAddress() {
        return reuseAddress;
    }

    public boolean reusePort() {
        return reusePort;
    }

    @Override
    public String toString() {
        return "ListenOptions[backlog=" + backlog + ", reuseAddress=" + reuseAddress + ", reusePort=" + reusePort + "]";
    }
}
