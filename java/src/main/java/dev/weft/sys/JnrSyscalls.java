package dev.weft.sys;

import com.kenai.jffi.MemoryIO;
import dev.weft.sys.jnr.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;

/**
 * {@link Syscalls} through jnr-ffi, straight to libc: the fallback when libweft is absent.
 *
 * <p>Every function is bound with {@code @IgnoreError}, so a successful call pays nothing for
 * errno. Only when a call returns -1 is errno read, through {@code __errno_location()}, and
 * turned into the same {@code -errno} the JNI binding returns; {@code EINTR} is retried here,
 * and {@code MSG_NOSIGNAL} added here, so both bindings behave alike. Caveat of reading errno
 * with a second call: the JVM could in principle change errno between the two, on this
 * thread; HotSpot does not do so on the return path of a native call.
 *
 * <p>Addresses are passed as plain {@code long}s, never as jnr {@code Struct}s: callers
 * encode structs themselves, once, for both bindings. The two calls whose C signature takes a
 * struct by pointer from values ({@code epoll_ctl}, the eventfd read) use an 16-byte
 * per-thread scratch area.
 *
 * <p>No bound function takes six arguments: jnr-ffi 2.2.17's x86-64 machine-code stubs pass a
 * six-argument {@code sendto(int, long, long, int, long, int)} wrongly (it fails with EINVAL
 * unless {@code -Djnr.ffi.x86asm.enabled=false}), so datagrams go through {@code sendmsg} /
 * {@code recvmsg}, whose {@code msghdr} {@link Posix} builds for both bindings.
 *
 * <p>Thread-safety: safe from any thread.
 */
public final class JnrSyscalls implements Syscalls {

    private static volatile JnrSyscalls instance;

    private final LibC libc;
    private final LinuxAbi abi = LinuxAbi.expected();
    private final MemoryIO memory = MemoryIO.getInstance();
    private final int eintr = abi.EINTR;
    private final int msgNoSignal = abi.MSG_NOSIGNAL;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private JnrSyscalls(LibC libc) {
        this.libc = libc;
    }

    /**
     * The jnr-ffi binding, binding libc on first use.
     *
     * @throws UnsatisfiedLinkError when libc or one of the functions cannot be bound (the
     *         jnr-ffi error is the cause)
     */
    public static JnrSyscalls load() {
        JnrSyscalls s = instance;
        if (s != null) {
            return s;
        }
        synchronized (JnrSyscalls.class) {
            if (instance == null) {
                try {
                    LibC libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
                    instance = new JnrSyscalls(libc);
                } catch (LinkageError | RuntimeException e) {
                    UnsatisfiedLinkError err = new UnsatisfiedLinkError("cannot bind libc through jnr-ffi: " + e);
                    err.initCause(e);
                    throw err;
                }
            }
            return instance;
        }
    }

    /** Per-thread memory for the two calls that take a struct built from values. */
    private final class Scratch {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        final long address = memory.getDirectBufferAddress(buffer);
    }

    /** The negated errno of the call that just failed on this thread. */
    private int errno() {
        return -memory.getInt(libc.__errno_location());
    }

    /** An int result: itself on success, -errno on failure. */
    private int check(int r) {
        return r < 0 ? errno() : r;
    }

    private long check(long r) {
        return r < 0 ? errno() : r;
    }

    @Override public String toString() { return name() + " binding"; }
    @Override public String name() { return "jnr"; }
    @Override public LinuxAbi abi() { return abi; }
    @Override public long address(ByteBuffer directBuffer) {
        return directBuffer.isDirect() ? memory.getDirectBufferAddress(directBuffer) : 0L;
    }

    @Override public int epollCreate() { return check(libc.epoll_create1(abi.EPOLL_CLOEXEC)); }

    @Override
    public int epollCtl(int epfd, int op, int fd, int events, long data) {
        Scratch s = scratch.get();
        s.buffer.putInt(abi.epollEventEventsOffset, events).putLong(abi.epollEventDataOffset, data);
        int r;
        do {
            r = check(libc.epoll_ctl(epfd, op, fd, s.address));
        } while (r == -eintr);
        return r;
    }

    @Override
    public int epollWait(int epfd, long events, int max, int timeout) {
        int r;
        do {
            r = check(libc.epoll_wait(epfd, events, max, timeout));
        } while (r == -eintr);
        return r;
    }

    @Override public int eventfd(int initialValue, int flags) { return check(libc.eventfd(initialValue, flags)); }

    @Override
    public int eventfdWrite(int fd, long value) {
        int r;
        do {
            r = check(libc.eventfd_write(fd, value));
        } while (r == -eintr);
        return r;
    }

    @Override
    public long eventfdRead(int fd) {
        Scratch s = scratch.get();
        int r;
        do {
            r = check(libc.eventfd_read(fd, s.address));
        } while (r == -eintr);
        return r < 0 ? r : s.buffer.getLong(0);
    }

    @Override public int socket(int domain, int type, int protocol) { return check(libc.socket(domain, type, protocol)); }

    @Override
    public int bind(int fd, long sa, int len) {
        return check(libc.bind(fd, sa, len));
    }

    @Override public int listen(int fd, int backlog) { return check(libc.listen(fd, backlog)); }

    @Override
    public int accept4(int fd, long sa, long len, int flags) {
        int r;
        do {
            r = check(libc.accept4(fd, sa, len, flags));
        } while (r == -eintr);
        return r;
    }

    @Override
    public int connect(int fd, long sa, int len) {
        int r = check(libc.connect(fd, sa, len));
        // Interrupted connects go on in the background: report them as in progress.
        return r == -eintr ? -abi.EINPROGRESS : r;
    }

    @Override public int shutdown(int fd, int how) { return check(libc.shutdown(fd, how)); }
    @Override public int getsockname(int fd, long sa, long len) { return check(libc.getsockname(fd, sa, len)); }
    @Override public int getpeername(int fd, long sa, long len) { return check(libc.getpeername(fd, sa, len)); }
    @Override public int setsockopt(int fd, int level, int opt, long v, int len) { return check(libc.setsockopt(fd, level, opt, v, len)); }
    @Override public int getsockopt(int fd, int level, int opt, long v, long len) { return check(libc.getsockopt(fd, level, opt, v, len)); }

    @Override
    public int read(int fd, long address, int length) {
        long r;
        do {
            r = check(libc.read(fd, address, length));
        } while (r == -eintr);
        return (int) r;
    }

    @Override
    public int write(int fd, long address, int length) {
        long r;
        do {
            r = check(libc.write(fd, address, length));
        } while (r == -eintr);
        return (int) r;
    }

    @Override
    public long readv(int fd, long iov, int count) {
        long r;
        do {
            r = check(libc.readv(fd, iov, count));
        } while (r == -eintr);
        return r;
    }

    @Override
    public long writev(int fd, long iov, int count) {
        long r;
        do {
            r = check(libc.writev(fd, iov, count));
        } while (r == -eintr);
        return r;
    }

    @Override
    public int send(int fd, long address, int length, int flags) {
        long r;
        do {
            r = check(libc.send(fd, address, length, flags | msgNoSignal));
        } while (r == -eintr);
        return (int) r;
    }

    @Override
    public int recv(int fd, long address, int length, int flags) {
        long r;
        do {
            r = check(libc.recv(fd, address, length, flags));
        } while (r == -eintr);
        return (int) r;
    }

    @Override
    public long sendmsg(int fd, long msghdr, int flags) {
        long r;
        do {
            r = check(libc.sendmsg(fd, msghdr, flags | msgNoSignal));
        } while (r == -eintr);
        return r;
    }

    @Override
    public long recvmsg(int fd, long msghdr, int flags) {
        long r;
        do {
            r = check(libc.recvmsg(fd, msghdr, flags));
        } while (r == -eintr);
        return r;
    }

    @Override
    public int close(int fd) {
        int r = check(libc.close(fd));
        // Never retried: Linux has released the fd even when close reports EINTR.
        return r == -eintr ? 0 : r;
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        int r;
        do {
            r = check(libc.fcntl(fd, cmd, arg));
        } while (r == -eintr);
        return r;
    }

    @Override public int getpid() { return libc.getpid(); }
    @Override public int schedGetcpu() { return check(libc.sched_getcpu()); }
}
