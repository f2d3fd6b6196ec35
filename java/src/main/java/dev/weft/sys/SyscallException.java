package dev.weft.sys;

import java.net.SocketException;

/**
 * A failed syscall that has no more specific Java exception: its message names the call, the
 * errno and its text ({@code "send: EPIPE (Broken pipe)"}), and {@link #errnoName()} lets code
 * branch on the cause (for example {@code EMFILE} on accept) without parsing the message.
 */
public final class SyscallException extends SocketException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String errnoName;

    public SyscallException(String message, int errno, String errnoName) {
        super(message);
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /**
     * The errno number (positive), or 0 where the JDK reported the failure by its text (the NIO
     * backend, see {@link Errno#fromJdk}); {@link #errnoName()} is known either way.
     */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code "ECONNRESET"}, or {@code "errno N"} for an unnamed one. */
    public String errnoName() {
        return errnoName;
    }
}
