package dev.weft.sys;

import java.nio.ByteBuffer;

/**
 * One binding of the kernel's file-descriptor calls: each method is one syscall, takes ints,
 * longs and raw addresses, and returns a non-negative result or {@code -errno}. No method
 * throws for a failed call, retries are done below ({@code EINTR} never comes back), and
 * {@code send}-style calls never raise {@code SIGPIPE}.
 *
 * <p>The implementations are {@link JniSyscalls} (Weft's own library) and {@link JnrSyscalls}
 * (jnr-ffi straight to libc). They hold no logic beyond the call itself: argument checks,
 * errno mapping, struct and socket-address encoding live once, in {@link Posix},
 * {@link Errno}, {@link Sockaddr} and the pollers that use these calls.
 *
 * <p><b>Addresses are not checked here.</b> An address argument must point to memory that is
 * valid for the length given; a wrong one crashes the JVM. Weft code reaches these methods
 * only through {@link Posix} or a poller, which check every fd, offset and length first. Use
 * {@link Posix} unless you own the memory.
 *
 * <p>Thread-safety: implementations are stateless and safe to call from any thread.
 */
public interface Syscalls {

    /** A short name for logs and metrics: {@code "jni"} or {@code "jnr"}. */
    String name();

    /** The constants, errno numbers and struct layouts this binding was built against. */
    LinuxAbi abi();

    /** The address of a direct buffer's first byte (not its position); 0 for a heap buffer. */
    long address(ByteBuffer directBuffer);

    // --- epoll ---

    /** {@code epoll_create1(EPOLL_CLOEXEC)}. */
    int epollCreate();

    /** {@code epoll_ctl(epfd, op, fd, {events, data.u64 = data})}. */
    int epollCtl(int epfd, int op, int fd, int events, long data);

    /** {@code epoll_wait(epfd, eventsAddress, maxEvents, timeoutMillis)}, retried on EINTR. */
    int epollWait(int epfd, long eventsAddress, int maxEvents, int timeoutMillis);

    // --- eventfd ---

    /** {@code eventfd(initialValue, flags)}. */
    int eventfd(int initialValue, int flags);

    /** Adds {@code value} to the counter (one 8-byte {@code write}); 0 or -errno. */
    int eventfdWrite(int fd, long value);

    /** Reads and resets the counter (one 8-byte {@code read}); the value or -errno. */
    long eventfdRead(int fd);

    // --- sockets ---

    /** {@code socket(domain, type, protocol)}; callers add SOCK_NONBLOCK | SOCK_CLOEXEC to type. */
    int socket(int domain, int type, int protocol);

    int bind(int fd, long sockaddr, int sockaddrLength);

    int listen(int fd, int backlog);

    /** {@code accept4}; {@code sockaddr} and {@code lengthAddress} may both be 0. */
    int accept4(int fd, long sockaddr, long lengthAddress, int flags);

    /** {@code connect}; an interrupted connect reports {@code -EINPROGRESS}. */
    int connect(int fd, long sockaddr, int sockaddrLength);

    int shutdown(int fd, int how);

    int getsockname(int fd, long sockaddr, long lengthAddress);

    int getpeername(int fd, long sockaddr, long lengthAddress);

    int setsockopt(int fd, int level, int option, long value, int valueLength);

    int getsockopt(int fd, int level, int option, long value, long lengthAddress);

    // --- data ---

    int read(int fd, long address, int length);

    int write(int fd, long address, int length);

    long readv(int fd, long iovecs, int count);

    long writev(int fd, long iovecs, int count);

    /** {@code send(fd, address, length, flags | MSG_NOSIGNAL)}. */
    int send(int fd, long address, int length, int flags);

    int recv(int fd, long address, int length, int flags);

    /** {@code sendmsg(fd, msghdr, flags | MSG_NOSIGNAL)}. */
    long sendmsg(int fd, long msghdr, int flags);

    /** {@code recvmsg(fd, msghdr, flags)}; the kernel updates the msghdr's name length and flags. */
    long recvmsg(int fd, long msghdr, int flags);

    // --- descriptors and process ---

    /** {@code close}; never retried (Linux releases the fd even on EINTR, which reads as 0). */
    int close(int fd);

    int fcntl(int fd, int command, int argument);

    /** {@code getpid()}: the cheapest call there is, used to time the binding itself. */
    int getpid();

    /**
     * {@code sched_getcpu()}: the CPU this thread runs on, answered by glibc from rseq or the
     * vDSO without entering the kernel; so its cost is the binding's own overhead, which the
     * benchmarks time with it.
     */
    int schedGetcpu();
}
