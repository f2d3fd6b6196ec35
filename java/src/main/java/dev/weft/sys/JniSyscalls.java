package dev.weft.sys;

import java.nio.ByteBuffer;

/**
 * {@link Syscalls} through libweft, Weft's own JNI library: plain static natives registered
 * by {@code JNI_OnLoad}, each taking ints, longs and addresses (no arrays, no objects on the
 * hot path, no critical natives) and returning a result or {@code -errno}.
 *
 * <p>Obtain it with {@link #load()}; it fails with every loading error as its cause when the
 * library is absent or unusable.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class JniSyscalls implements Syscalls {
    private static volatile JniSyscalls instance;

    private final LinuxAbi abi;

    private JniSyscalls(LinuxAbi abi) {
        this.abi = abi;
    }

    /**
     * The JNI binding, loading libweft on first use (see {@link NativeLibrary}).
     *
     * @throws UnsatisfiedLinkError when the library cannot be loaded or does not match this
     *         class; the loader's failures are its cause and suppressed exceptions
     */
    public static JniSyscalls load() {
        JniSyscalls s = instance;
        if (s != null) {
            return s;
        }
        synchronized (JniSyscalls.class) {
            if (instance == null) {
                NativeLibrary.Outcome outcome = NativeLibrary.loadOnce();
                if (!outcome.loaded()) {
                    UnsatisfiedLinkError e = new UnsatisfiedLinkError(outcome.failure().getMessage());
                    e.initCause(outcome.failure());
                    throw e;
                }
                instance = new JniSyscalls(JniConstants.Abi.VALUES);
            }
            return instance;
        }
    }

    /** Where the library was loaded from, for the backend report. */
    public static String source() {
        NativeLibrary.Outcome o = NativeLibrary.loadOnce();
        return o.loaded() ? o.source() : "not loaded";
    }

    @Override public String toString() { return name() + " binding"; }
    @Override public String name() { return "jni"; }
    @Override public LinuxAbi abi() { return abi; }
    @Override public long address(ByteBuffer directBuffer) { return bufferAddress(directBuffer); }

    @Override public int epollCreate() { return epollCreate0(); }
    @Override public int epollCtl(int epfd, int op, int fd, int events, long data) { return epollCtl0(epfd, op, fd, events, data); }
    @Override public int epollWait(int epfd, long events, int max, int timeout) { return epollWait0(epfd, events, max, timeout); }
    @Override public int eventfd(int initialValue, int flags) { return eventfd0(initialValue, flags); }
    @Override public int eventfdWrite(int fd, long value) { return eventfdWrite0(fd, value); }
    @Override public long eventfdRead(int fd) { return eventfdRead0(fd); }
    @Override public int socket(int domain, int type, int protocol) { return socket0(domain, type, protocol); }
    @Override public int bind(int fd, long sa, int len) { return bind0(fd, sa, len); }
    @Override public int listen(int fd, int backlog) { return listen0(fd, backlog); }
    @Override public int accept4(int fd, long sa, long len, int flags) { return accept40(fd, sa, len, flags); }
    @Override public int connect(int fd, long sa, int len) { return connect0(fd, sa, len); }
    @Override public int shutdown(int fd, int how) { return shutdown0(fd, how); }
    @Override public int getsockname(int fd, long sa, long len) { return getsockname0(fd, sa, len); }
    @Override public int getpeername(int fd, long sa, long len) { return getpeername0(fd, sa, len); }
    @Override public int setsockopt(int fd, int level, int opt, long v, int len) { return setsockopt0(fd, level, opt, v, len); }
    @Override public int getsockopt(int fd, int level, int opt, long v, long len) { return getsockopt0(fd, level, opt, v, len); }
    @Override public int read(int fd, long address, int length) { return read0(fd, address, length); }
    @Override public int write(int fd, long address, int length) { return write0(fd, address, length); }
    @Override public long readv(int fd, long iov, int count) { return readv0(fd, iov, count); }
    @Override public long writev(int fd, long iov, int count) { return writev0(fd, iov, count); }
    @Override public int send(int fd, long address, int length, int flags) { return send0(fd, address, length, flags); }
    @Override public int recv(int fd, long address, int length, int flags) { return recv0(fd, address, length, flags); }
    @Override public long sendmsg(int fd, long msghdr, int flags) { return sendmsg0(fd, msghdr, flags); }
    @Override public long recvmsg(int fd, long msghdr, int flags) { return recvmsg0(fd, msghdr, flags); }
    @Override public int close(int fd) { return close0(fd); }
    @Override public int fcntl(int fd, int cmd, int arg) { return fcntl0(fd, cmd, arg); }
    @Override public int getpid() { return getpid0(); }
    @Override public int schedGetcpu() { return schedGetcpu0(); }

    // The natives, registered by JNI_OnLoad under the names in native/src/*.c.
    private static native int epollCreate0();
    private static native int epollCtl0(int epfd, int op, int fd, int events, long data);
    private static native int epollWait0(int epfd, long events, int max, int timeout);
    private static native int eventfd0(int initialValue, int flags);
    private static native int eventfdWrite0(int fd, long value);
    private static native long eventfdRead0(int fd);
    private static native int socket0(int domain, int type, int protocol);
    private static native int bind0(int fd, long sa, int len);
    private static native int listen0(int fd, int backlog);
    private static native int accept40(int fd, long sa, long len, int flags);
    private static native int connect0(int fd, long sa, int len);
    private static native int shutdown0(int fd, int how);
    private static native int getsockname0(int fd, long sa, long len);
    private static native int getpeername0(int fd, long sa, long len);
    private static native int setsockopt0(int fd, int level, int opt, long v, int len);
    private static native int getsockopt0(int fd, int level, int opt, long v, long len);
    private static native int read0(int fd, long address, int length);
    private static native int write0(int fd, long address, int length);
    private static native long readv0(int fd, long iov, int count);
    private static native long writev0(int fd, long iov, int count);
    private static native int send0(int fd, long address, int length, int flags);
    private static native int recv0(int fd, long address, int length, int flags);
    private static native long sendmsg0(int fd, long msghdr, int flags);
    private static native long recvmsg0(int fd, long msghdr, int flags);
    private static native int close0(int fd);
    private static native int fcntl0(int fd, int cmd, int arg);
    private static native int getpid0();
    private static native int schedGetcpu0();
    private static native long bufferAddress(ByteBuffer buffer);
}
