package dev.weft.sys;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code -errno} result into the Java exception a JDK socket would throw for it.
 *
 * <ul>
 *   <li>{@code ECONNREFUSED}, {@code ETIMEDOUT} on connect: {@link ConnectException}</li>
 *   <li>{@code EHOSTUNREACH}, {@code ENETUNREACH}: {@link NoRouteToHostException}</li>
 *   <li>{@code EADDRINUSE}, {@code EADDRNOTAVAIL}: {@link BindException}</li>
 *   <li>{@code EBADF}: {@link ClosedChannelException} (the descriptor is gone)</li>
 *   <li>everything else ({@code ECONNRESET}, {@code EPIPE}, {@code EMFILE}, ...):
 *       {@link SyscallException}, a {@link SocketException} that carries the number</li>
 * </ul>
 *
 * Every message names the operation, the errno and its text, e.g.
 * {@code "read: ECONNRESET (Connection reset by peer)"}. {@code EAGAIN} is not an error
 * anywhere in Weft ("not ready"); asking for its exception is a bug and says so.
 *
 * <p>The NIO backend has no errno: the JDK reports a failure as an exception whose message is
 * the OS's {@code strerror} text (or the JDK's own, like {@code "Connection reset"}).
 * {@link #fromJdk(String, IOException)} reads the errno back from that text, so both backends
 * throw the same exception types with the same messages, and code that branches on
 * {@link SyscallException#errnoName()} works on either.
 *
 * <p>Thread-safety: immutable.
 */
public final class Errno {

    /** The errno names Weft knows by name, with their usual text. */
    private static final String[][] TEXTS = {
        {"EPERM", "Operation not permitted"}, {"ENOENT", "No such file or directory"},
        {"EINTR", "Interrupted system call"}, {"EIO", "Input/output error"},
        {"EBADF", "Bad file descriptor"}, {"EAGAIN", "Resource temporarily unavailable"},
        {"ENOMEM", "Cannot allocate memory"}, {"EACCES", "Permission denied"}, {"EFAULT", "Bad address"},
        {"EEXIST", "File exists"}, {"EINVAL", "Invalid argument"},
        {"ENFILE", "Too many open files in system"}, {"EMFILE", "Too many open files"},
        {"ENOSPC", "No space left on device"}, {"EPIPE", "Broken pipe"},
        {"ENOSYS", "Function not implemented"}, {"ENOTSOCK", "Socket operation on non-socket"},
        {"EDESTADDRREQ", "Destination address required"}, {"EMSGSIZE", "Message too long"},
        {"ENOPROTOOPT", "Protocol not available"}, {"EPROTONOSUPPORT", "Protocol not supported"},
        {"EOPNOTSUPP", "Operation not supported"}, {"EAFNOSUPPORT", "Address family not supported by protocol"},
        {"EADDRINUSE", "Address already in use"}, {"EADDRNOTAVAIL", "Cannot assign requested address"},
        {"ENETDOWN", "Network is down"}, {"ENETUNREACH", "Network is unreachable"},
        {"ECONNABORTED", "Software caused connection abort"}, {"ECONNRESET", "Connection reset by peer"},
        {"ENOBUFS", "No buffer space available"}, {"EISCONN", "Transport endpoint is already connected"},
        {"ENOTCONN", "Transport endpoint is not connected"}, {"ETIMEDOUT", "Connection timed out"},
        {"ECONNREFUSED", "Connection refused"}, {"EHOSTDOWN", "Host is down"},
        {"EHOSTUNREACH", "No route to host"}, {"EALREADY", "Operation already in progress"},
        {"EINPROGRESS", "Operation now in progress"},
    };

    /**
     * Texts the JDK reports that are not Linux's {@code strerror} text for their errno: its own
     * words for a reset on read, an ICMP error on a datagram socket, and macOS's wordings.
     */
    private static final String[][] OTHER_TEXTS = {
        {"Connection reset", "ECONNRESET"}, {"ICMP Port Unreachable", "ECONNREFUSED"},
        {"Operation timed out", "ETIMEDOUT"}, {"Can't assign requested address", "EADDRNOTAVAIL"},
        {"Socket is not connected", "ENOTCONN"}, {"Socket is already connected", "EISCONN"},
        {"Address family not supported by protocol family", "EAFNOSUPPORT"},
    };

    /** The names, in a fixed order; {@link LinuxAbi} reads a number for each. */
    static final List<String> KNOWN_NAMES = names();
    /** strerror text (and the JDK's other wordings) to name. */
    private static final Map<String, String> NAME_BY_TEXT = namesByText();

    private final LinuxAbi abi;
    private final Map<Integer, String[]> byNumber = new HashMap<>();

    public Errno(LinuxAbi abi) {
        this.abi = abi;
        for (String[] entry : TEXTS) {
            byNumber.put(abi.errno(entry[0]), entry);
        }
    }

    /** The symbolic name of an errno number ({@code 104 -> "ECONNRESET"}), or {@code "errno 42"}. */
    public String name(int errno) {
        String[] e = byNumber.get(Math.abs(errno));
        return e != null ? e[0] : "errno " + Math.abs(errno);
    }

    /** The text of an errno number, as strerror would give it (for the numbers Weft names). */
    public String text(int errno) {
        String[] e = byNumber.get(Math.abs(errno));
        return e != null ? e[1] : "Unknown error " + Math.abs(errno);
    }

    /**
     * The exception for a failed call. {@code result} is the call's negative return
     * ({@code -errno}); {@code operation} names the call for the message.
     */
    public IOException exception(String operation, int result) {
        int errno = Math.abs(result);
        if (result >= 0) {
            throw new IllegalArgumentException(operation + ": result " + result + " is not a -errno failure");
        }
        if (errno == abi.EAGAIN) {
            throw new IllegalArgumentException(operation + ": EAGAIN means 'not ready', not an error");
        }
        return exception(operation, errno, name(errno), text(errno));
    }

    /**
     * The exception for a failure the JDK reported as {@code reported}: the one
     * {@link #exception(String, int)} gives for the errno its message names (with
     * {@link SyscallException#errno()} 0, as the number is not known, and {@code reported} as the
     * cause), or {@code reported} itself when its message names no errno Weft knows (a
     * {@link ClosedChannelException}, say).
     */
    public static IOException fromJdk(String operation, IOException reported) {
        String text = reported.getMessage();
        String name = text == null ? null : NAME_BY_TEXT.get(text);
        if (name == null) {
            return reported;
        }
        IOException e = exception(operation, 0, name, text);
        if (e.getCause() == null) {
            e.initCause(reported);
        }
        return e;
    }

    /**
     * Loads and initializes this class (and, through verification, the exceptions it makes)
     * now: for a caller whose failure path may run when no descriptor is left to read a class
     * file with (see {@code ChannelTransport}).
     */
    public static void load() {
        // class initialization is the whole point
    }

    private static IOException exception(String operation, int errno, String name, String text) {
        String message = operation + ": " + name + " (" + text + ")";
        switch (name) {
            case "ECONNREFUSED":
            case "ETIMEDOUT":
                return new ConnectException(message);
            case "EHOSTUNREACH":
            case "ENETUNREACH":
                return new NoRouteToHostException(message);
            case "EADDRINUSE":
            case "EADDRNOTAVAIL":
                return new BindException(message);
            case "EBADF": {
                ClosedChannelException closed = new ClosedChannelException();
                closed.initCause(new SyscallException(message, errno, name));
                return closed;
            }
            default:
                return new SyscallException(message, errno, name);
        }
    }

    private static Map<String, String> namesByText() {
        Map<String, String> byText = new HashMap<>();
        for (String[] entry : TEXTS) {
            byText.put(entry[1], entry[0]);
        }
        for (String[] entry : OTHER_TEXTS) {
            byText.put(entry[0], entry[1]);
        }
        return Map.copyOf(byText);
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (String[] entry : TEXTS) {
            names.add(entry[0]);
        }
        return List.copyOf(names);
    }
}
