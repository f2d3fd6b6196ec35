package dev.weft.sys;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The Linux ABI that Weft's calls depend on: flag values, errno numbers, and the sizes and
 * field offsets of the structs Java encodes ({@code epoll_event}, {@code sockaddr_in[6]},
 * {@code linger}, {@code iovec}, {@code msghdr}).
 *
 * <p>Where the values come from: the JNI binding asks its C library, by name, once
 * ({@link JniConstants}), so they are what the C compiler saw. jnr-ffi has no compiler, so
 * {@link #expected()} carries the values of Linux on x86_64 and aarch64 (the generic syscall
 * ABI; only {@code epoll_event}'s packing differs between them). A test checks that the two
 * agree wherever the JNI library is present.
 *
 * <p>Thread-safety: immutable.
 */
public final class LinuxAbi {
    // epoll and eventfd
    public final int EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLERR, EPOLLHUP, EPOLLET;
    public final int EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL, EPOLL_CLOEXEC;
    public final int EFD_NONBLOCK, EFD_CLOEXEC;
    public final int epollEventSize, epollEventEventsOffset, epollEventDataOffset;
    // sockets
    public final int AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_CLOEXEC;
    public final int SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6, IPV6_V6ONLY, TCP_NODELAY;
    public final int SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF, SO_LINGER, SO_ERROR, F_DUPFD_CLOEXEC;
    public final int SHUT_RD, SHUT_WR, SHUT_RDWR, F_GETFL, O_NONBLOCK, MSG_NOSIGNAL;
    // struct layouts
    public final int sockaddrInSize, sockaddrInFamilyOffset, sockaddrInPortOffset, sockaddrInAddrOffset;
    public final int sockaddrIn6Size, sockaddrIn6FamilyOffset, sockaddrIn6PortOffset, sockaddrIn6FlowinfoOffset,
            sockaddrIn6AddrOffset, sockaddrIn6ScopeIdOffset;
    public final int sockaddrStorageSize, lingerSize, lingerOnOffOffset, lingerSecondsOffset;
    public final int iovecSize, iovecBaseOffset, iovecLengthOffset;
    public final int msghdrSize, msghdrNameOffset, msghdrNameLengthOffset, msghdrIovOffset, msghdrIovLengthOffset,
            msghdrFlagsOffset;
    // errno numbers that code branches on (the rest are only named, through Errno)
    public final int EAGAIN, EINTR, EINPROGRESS, EBADF, ECONNRESET, EPIPE;

    private final Map<String, Integer> errnoByName;
    private final Map<String, Long> values;

    /**
     * Reads every value from {@code source}, which maps a C name ({@code "EPOLLIN"},
     * {@code "sizeof_epoll_event"}, {@code "offsetof_epoll_event_data"}) to its value and
     * returns {@link Long#MIN_VALUE} for a name it does not know.
     */
    LinuxAbi(ToLongFunction<String> source) {
        Reader r = new Reader(source);
        EPOLLIN = r.get("EPOLLIN");
        EPOLLOUT = r.get("EPOLLOUT");
        EPOLLRDHUP = r.get("EPOLLRDHUP");
        EPOLLERR = r.get("EPOLLERR");
        EPOLLHUP = r.get("EPOLLHUP");
        EPOLLET = r.get("EPOLLET");
        EPOLL_CTL_ADD = r.get("EPOLL_CTL_ADD");
        EPOLL_CTL_MOD = r.get("EPOLL_CTL_MOD");
        EPOLL_CTL_DEL = r.get("EPOLL_CTL_DEL");
        EPOLL_CLOEXEC = r.get("EPOLL_CLOEXEC");
        EFD_NONBLOCK = r.get("EFD_NONBLOCK");
        EFD_CLOEXEC = r.get("EFD_CLOEXEC");
        epollEventSize = r.get("sizeof_epoll_event");
        epollEventEventsOffset = r.get("offsetof_epoll_event_events");
        epollEventDataOffset = r.get("offsetof_epoll_event_data");
        AF_INET = r.get("AF_INET");
        AF_INET6 = r.get("AF_INET6");
        SOCK_STREAM = r.get("SOCK_STREAM");
        SOCK_DGRAM = r.get("SOCK_DGRAM");
        SOCK_NONBLOCK = r.get("SOCK_NONBLOCK");
        SOCK_CLOEXEC = r.get("SOCK_CLOEXEC");
        SOL_SOCKET = r.get("SOL_SOCKET");
        IPPROTO_TCP = r.get("IPPROTO_TCP");
        IPPROTO_IPV6 = r.get("IPPROTO_IPV6");
        IPV6_V6ONLY = r.get("IPV6_V6ONLY");
        TCP_NODELAY = r.get("TCP_NODELAY");
        SO_REUSEADDR = r.get("SO_REUSEADDR");
        SO_REUSEPORT = r.get("SO_REUSEPORT");
        SO_KEEPALIVE = r.get("SO_KEEPALIVE");
        SO_RCVBUF = r.get("SO_RCVBUF");
        SO_SNDBUF = r.get("SO_SNDBUF");
        SO_LINGER = r.get("SO_LINGER");
        SO_ERROR = r.get("SO_ERROR");
        F_DUPFD_CLOEXEC = r.get("F_DUPFD_CLOEXEC");
        SHUT_RD = r.get("SHUT_RD");
        SHUT_WR = r.get("SHUT_WR");
        SHUT_RDWR = r.get("SHUT_RDWR");
        F_GETFL = r.get("F_GETFL");
        O_NONBLOCK = r.get("O_NONBLOCK");
        MSG_NOSIGNAL = r.get("MSG_NOSIGNAL");
        sockaddrInSize = r.get("sizeof_sockaddr_in");
        sockaddrInFamilyOffset = r.get("offsetof_sockaddr_in_sin_family");
        sockaddrInPortOffset = r.get("offsetof_sockaddr_in_sin_port");
        sockaddrInAddrOffset = r.get("offsetof_sockaddr_in_sin_addr");
        sockaddrIn6Size = r.get("sizeof_sockaddr_in6");
        sockaddrIn6FamilyOffset = r.get("offsetof_sockaddr_in6_sin6_family");
        sockaddrIn6PortOffset = r.get("offsetof_sockaddr_in6_sin6_port");
        sockaddrIn6FlowinfoOffset = r.get("offsetof_sockaddr_in6_sin6_flowinfo");
        sockaddrIn6AddrOffset = r.get("offsetof_sockaddr_in6_sin6_addr");
        sockaddrIn6ScopeIdOffset = r.get("offsetof_sockaddr_in6_sin6_scope_id");
        sockaddrStorageSize = r.get("sizeof_sockaddr_storage");
        lingerSize = r.get("sizeof_linger");
        lingerOnOffOffset = r.get("offsetof_linger_l_onoff");
        lingerSecondsOffset = r.get("offsetof_linger_l_linger");
        iovecSize = r.get("sizeof_iovec");
        iovecBaseOffset = r.get("offsetof_iovec_iov_base");
        iovecLengthOffset = r.get("offsetof_iovec_iov_len");
        msghdrSize = r.get("sizeof_msghdr");
        msghdrNameOffset = r.get("offsetof_msghdr_msg_name");
        msghdrNameLengthOffset = r.get("offsetof_msghdr_msg_namelen");
        msghdrIovOffset = r.get("offsetof_msghdr_msg_iov");
        msghdrFlagsOffset = r.get("offsetof_msghdr_msg_flags");
        msghdrIovLengthOffset = r.get("offsetof_msghdr_msg_iovlen");
        Map<String, Integer> errnos = new HashMap<>();
        for (String name : Errno.KNOWN_NAMES) {
            errnos.put(name, r.get(name));
        }
        errnoByName = Map.copyOf(errnos);
        values = Map.copyOf(r.seen);
        EAGAIN = errno("EAGAIN");
        EINTR = errno("EINTR");
        EINPROGRESS = errno("EINPROGRESS");
        EBADF = errno("EBADF");
        ECONNRESET = errno("ECONNRESET");
        EPIPE = errno("EPIPE");
    }

    /** The number of a named errno that {@link Errno} knows, e.g. {@code errno("EMFILE")}. */
    public int errno(String name) {
        Integer n = errnoByName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("unknown errno name '" + name + "' (known: "
                    + String.join(", ", Errno.KNOWN_NAMES) + ")");
        }
        return n;
    }

    /** Every value this ABI read, by its C name, for comparing two sources. */
    public Map<String, Long> asMap() {
        return values;
    }

    /** The values of Linux on x86_64 and aarch64, for bindings that cannot ask a C compiler. */
    public static LinuxAbi expected() {
        return EXPECTED_ABI;
    }

    /** The expected values by C name (see {@link #expected()}). */
    static Map<String, Long> expectedValues() {
        return EXPECTED;
    }

    private static final Map<String, Long> EXPECTED = expectedTable();
    private static final LinuxAbi EXPECTED_ABI = new LinuxAbi(n -> EXPECTED.getOrDefault(n, Long.MIN_VALUE));

    private static Map<String, Long> expectedTable() {
        boolean x86 = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).matches("amd64|x86_64");
        Map<String, Long> m = new HashMap<>();
        Object[] table = {
            "EPOLLIN", 0x1, "EPOLLOUT", 0x4, "EPOLLRDHUP", 0x2000, "EPOLLERR", 0x8, "EPOLLHUP", 0x10,
            "EPOLLET", 1 << 31, "EPOLL_CTL_ADD", 1, "EPOLL_CTL_DEL", 2, "EPOLL_CTL_MOD", 3,
            "EPOLL_CLOEXEC", 0x80000, "EFD_NONBLOCK", 0x800, "EFD_CLOEXEC", 0x80000,
            // x86_64 packs epoll_event (12 bytes, data at 4); every other Linux aligns it.
            "sizeof_epoll_event", x86 ? 12 : 16, "offsetof_epoll_event_events", 0,
            "offsetof_epoll_event_data", x86 ? 4 : 8,
            "AF_INET", 2, "AF_INET6", 10, "SOCK_STREAM", 1, "SOCK_DGRAM", 2, "SOCK_NONBLOCK", 0x800,
            "SOCK_CLOEXEC", 0x80000, "SOL_SOCKET", 1, "IPPROTO_TCP", 6, "IPPROTO_IPV6", 41, "IPV6_V6ONLY", 26,
            "TCP_NODELAY", 1, "SO_REUSEADDR", 2, "SO_REUSEPORT", 15, "SO_KEEPALIVE", 9, "SO_RCVBUF", 8,
            "SO_SNDBUF", 7, "SO_LINGER", 13, "SO_ERROR", 4, "F_DUPFD_CLOEXEC", 1030, "SHUT_RD", 0, "SHUT_WR", 1, "SHUT_RDWR", 2,
            "F_GETFL", 3, "O_NONBLOCK", 0x800, "MSG_NOSIGNAL", 0x4000,
            "sizeof_sockaddr_in", 16, "offsetof_sockaddr_in_sin_family", 0, "offsetof_sockaddr_in_sin_port", 2,
            "offsetof_sockaddr_in_sin_addr", 4, "sizeof_sockaddr_in6", 28, "offsetof_sockaddr_in6_sin6_family", 0,
            "offsetof_sockaddr_in6_sin6_port", 2, "offsetof_sockaddr_in6_sin6_flowinfo", 4,
            "offsetof_sockaddr_in6_sin6_addr", 8, "offsetof_sockaddr_in6_sin6_scope_id", 24,
            "sizeof_sockaddr_storage", 128, "sizeof_linger", 8, "offsetof_linger_l_onoff", 0,
            "offsetof_linger_l_linger", 4, "sizeof_iovec", 16, "offsetof_iovec_iov_base", 0,
            "offsetof_iovec_iov_len", 8, "sizeof_msghdr", 56, "offsetof_msghdr_msg_name", 0, "offsetof_msghdr_msg_namelen", 8,
            "offsetof_msghdr_msg_iov", 16, "offsetof_msghdr_msg_flags", 48,
            "offsetof_msghdr_msg_iovlen", 24,
            "EPERM", 1, "ENOENT", 2, "EINTR", 4, "EIO", 5, "EBADF", 9, "EAGAIN", 11, "ENOMEM", 12,
            "EACCES", 13, "EFAULT", 14, "EEXIST", 17, "EINVAL", 22, "ENFILE", 23, "EMFILE", 24, "ENOSPC", 28,
            "EPIPE", 32, "ENOSYS", 38, "ENOTSOCK", 88, "EDESTADDRREQ", 89, "EMSGSIZE", 90, "ENOPROTOOPT", 92,
            "EPROTONOSUPPORT", 93, "EOPNOTSUPP", 95, "EAFNOSUPPORT", 97, "EADDRINUSE", 98, "EADDRNOTAVAIL", 99,
            "ENETDOWN", 100, "ENETUNREACH", 101, "ECONNABORTED", 103, "ECONNRESET", 104, "ENOBUFS", 105,
            "EISCONN", 106, "ENOTCONN", 107, "ETIMEDOUT", 110, "ECONNREFUSED", 111, "EHOSTDOWN", 112,
            "EHOSTUNREACH", 113, "EALREADY", 114, "EINPROGRESS", 115,
        };
        for (int i = 0; i < table.length; i += 2) {
            m.put((String) table[i], (long) (Integer) table[i + 1]);
        }
        return Map.copyOf(m);
    }

    /** Reads named values, failing with the name when the source lacks one or it does not fit an int. */
    private static final class Reader {
        private final ToLongFunction<String> source;
        private final Map<String, Long> seen = new HashMap<>();

        Reader(ToLongFunction<String> source) {
            this.source = source;
        }

        int get(String name) {
            long v = source.applyAsLong(name);
            if (v == Long.MIN_VALUE) {
                throw new IllegalStateException("the ABI source does not define " + name);
            }
            // EPOLLET is 1u << 31: keep its 32 bits, as C passes it in an int-sized field.
            if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
                throw new IllegalStateException(name + " = " + v + " does not fit 32 bits");
            }
            seen.put(name, (long) (int) v);
            return (int) v;
        }
    }
}
