package dev.weft.sys;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The checked face of a {@link Syscalls} binding, for the socket code above it: every fd,
 * buffer, offset and length is checked here before an address reaches C, results are mapped
 * through {@link Errno}, and socket addresses and options are encoded here, once, for both
 * bindings.
 *
 * <p>Conventions. Descriptors are non-blocking and close-on-exec. Data calls take direct
 * {@link ByteBuffer}s (a heap buffer is rejected) and move their position like a
 * {@code SocketChannel} would; the absolute variants take an offset and length instead and
 * leave the position alone. "Not ready" is never an exception: a data call returns
 * {@link #WOULD_BLOCK}, a read at end of stream {@link #EOF}. Every other failure throws the
 * {@link IOException} that {@link Errno} maps it to. Writes go through {@code send} /
 * {@code sendmsg} with {@code MSG_NOSIGNAL}, so the fd must be a socket.
 *
 * <p>Bad arguments get an {@link IllegalArgumentException} (negative fd, heap or read-only
 * buffer, unresolved address), an {@link IndexOutOfBoundsException} (offset or length outside
 * the buffer or array) or a {@link NullPointerException} naming the argument.
 *
 * <p>Thread-safety: safe from any thread; socket addresses, option values and iovecs are
 * built in per-thread scratch memory.
 */
public final class Posix {
    /** A read found the peer's end of stream. */
    public static final int EOF = -1;
    /** The call would block: the socket is not ready (EAGAIN). */
    public static final int WOULD_BLOCK = -2;
    /** The most buffers one gathering or scattering call hands to the kernel; the rest wait for the next call. */
    public static final int MAX_IOVECS = 64;

    private final Syscalls sys;
    private final LinuxAbi abi;
    private final Errno errno;
    private final Sockaddr sockaddr;
    private final int eagain;
    private final ThreadLocal<Scratch> scratch;

    public Posix(Syscalls sys) {
        this.sys = Objects.requireNonNull(sys, "sys");
        this.abi = sys.abi();
        this.errno = new Errno(abi);
        this.sockaddr = new Sockaddr(abi);
        this.eagain = abi.EAGAIN;
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /**
     * Per-thread native memory: a socket address, its length word, an option value, a msghdr
     * and {@link #MAX_IOVECS} iovecs, at fixed offsets.
     */
    private final class Scratch {
        final int lengthOffset = abi.sockaddrStorageSize;
        final int optionOffset = lengthOffset + 8;
        final int msghdrOffset = optionOffset + 16;
        final int iovOffset = align(msghdrOffset + abi.msghdrSize);
        final ByteBuffer mem = ByteBuffer.allocateDirect(iovOffset + MAX_IOVECS * abi.iovecSize).order(ByteOrder.nativeOrder());
        final long address = sys.address(mem);

        private int align(int n) {
            return (n + 15) & ~15;
        }
    }

    public Syscalls syscalls() {
        return sys;
    }

    public Errno errno() {
        return errno;
    }

    /**
     * Pairs a direct buffer with its address, for the {@link NativeBuffer} overloads of read
     * and write (one native call saved per call).
     */
    public NativeBuffer wrap(ByteBuffer directBuffer) {
        return new NativeBuffer(directBuffer, addressOf(directBuffer, "directBuffer"));
    }

    /** A new native-order direct buffer of {@code capacity} bytes, already wrapped. */
    public NativeBuffer allocate(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        return wrap(ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder()));
    }

    // --- checks ---

    static int checkFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd + " is negative: not an open descriptor");
        }
        return fd;
    }

    private long addressOf(ByteBuffer buffer, String name) {
        Objects.requireNonNull(buffer, name);
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException(name + " is a heap ByteBuffer; native I/O needs a direct one (ByteBuffer.allocateDirect)");
        }
        long a = sys.address(buffer);
        if (a == 0) {
            throw new IllegalArgumentException(name + " has no native address");
        }
        return a;
    }

    private long writableAddressOf(ByteBuffer buffer, String name) {
        long a = addressOf(buffer, name);
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only and cannot receive data");
        }
        return a;
    }

    // --- sockets ---

    /** A new non-blocking TCP socket of the family. */
    public int openStream(StandardProtocolFamily family) throws IOException {
        return open(family, abi.SOCK_STREAM, "socket(stream)");
    }

    /** A new non-blocking UDP socket of the family. */
    public int openDatagram(StandardProtocolFamily family) throws IOException {
        return open(family, abi.SOCK_DGRAM, "socket(datagram)");
    }

    /** The family to open a socket in for talking to (or binding) {@code address}. */
    public static StandardProtocolFamily familyOf(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.getAddress() == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        return address.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    private int open(StandardProtocolFamily family, int type, String op) throws IOException {
        Objects.requireNonNull(family, "family");
        int domain = switch (family) {
            case INET -> abi.AF_INET;
            case INET6 -> abi.AF_INET6;
            default -> throw new IllegalArgumentException("unsupported protocol family " + family + " (INET or INET6)");
        };
        int fd = sys.socket(domain, type | abi.SOCK_NONBLOCK | abi.SOCK_CLOEXEC, 0);
        return fd >= 0 ? fd : fail(op, fd);
    }

    public void bind(int fd, InetSocketAddress local) throws IOException {
        checkFd(fd);
        Objects.requireNonNull(local, "local");
        Scratch s = scratch.get();
        int len = sockaddr.encode(local, s.mem);
        int r = sys.bind(fd, s.address, len);
        if (r < 0) {
            fail("bind " + local, r);
        }
    }

    public void listen(int fd, int backlog) throws IOException {
        checkFd(fd);
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog " + backlog + " is negative");
        }
        int r = sys.listen(fd, backlog);
        if (r < 0) {
            fail("listen", r);
        }
    }

    /** Accepts one connection: its non-blocking fd, or {@link #WOULD_BLOCK}. The peer is {@link #peerAddress(int)}. */
    public int accept(int fd) throws IOException {
        checkFd(fd);
        int r = sys.accept4(fd, 0L, 0L, abi.SOCK_NONBLOCK | abi.SOCK_CLOEXEC);
        if (r >= 0) {
            return r;
        }
        return r == -eagain ? WOULD_BLOCK : fail("accept", r);
    }

    /**
     * Starts connecting: {@code true} if connected at once (loopback can), {@code false} if in
     * progress, in which case wait for writability and call {@link #finishConnect(int)}.
     */
    public boolean connect(int fd, InetSocketAddress remote) throws IOException {
        checkFd(fd);
        Objects.requireNonNull(remote, "remote");
        Scratch s = scratch.get();
        int len = sockaddr.encode(remote, s.mem);
        int r = sys.connect(fd, s.address, len);
        if (r >= 0) {
            return true;
        }
        if (r == -abi.EINPROGRESS) {
            return false;
        }
        fail("connect to " + remote, r);
        return false;
    }

    /** Completes a connect that was in progress: returns if it succeeded, throws its error otherwise. */
    public void finishConnect(int fd) throws IOException {
        int error = getIntOption(fd, abi.SOL_SOCKET, abi.SO_ERROR, "getsockopt(SO_ERROR)");
        if (error != 0) {
            fail("connect", -error);
        }
    }

    /** Shuts down the reading side, the writing side, or both. */
    public void shutdown(int fd, boolean input, boolean output) throws IOException {
        checkFd(fd);
        if (!input && !output) {
            throw new IllegalArgumentException("shutdown of neither input nor output");
        }
        int how = input && output ? abi.SHUT_RDWR : input ? abi.SHUT_RD : abi.SHUT_WR;
        int r = sys.shutdown(fd, how);
        if (r < 0) {
            fail("shutdown", r);
        }
    }

    public void close(int fd) throws IOException {
        checkFd(fd);
        int r = sys.close(fd);
        if (r < 0) {
            fail("close", r);
        }
    }

    public InetSocketAddress localAddress(int fd) throws IOException {
        return name(fd, true);
    }

    public InetSocketAddress peerAddress(int fd) throws IOException {
        return name(fd, false);
    }

    private InetSocketAddress name(int fd, boolean local) throws IOException {
        checkFd(fd);
        Scratch s = scratch.get();
        s.mem.putInt(s.lengthOffset, sockaddr.capacity());
        long lenAddr = s.address + s.lengthOffset;
        int r = local ? sys.getsockname(fd, s.address, lenAddr) : sys.getpeername(fd, s.address, lenAddr);
        if (r < 0) {
            fail(local ? "getsockname" : "getpeername", r);
        }
        return sockaddr.decode(s.mem, s.mem.getInt(s.lengthOffset));
    }

    // --- options ---

    /**
     * Sets one of {@code TCP_NODELAY}, {@code SO_REUSEADDR}, {@code SO_REUSEPORT},
     * {@code SO_KEEPALIVE} (Boolean), {@code SO_RCVBUF}, {@code SO_SNDBUF} (Integer) or
     * {@code SO_LINGER} (Integer seconds; negative turns lingering off) from
     * {@link StandardSocketOptions}.
     */
    public <T> void setOption(int fd, SocketOption<T> option, T value) throws IOException {
        checkFd(fd);
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, "value");
        Scratch s = scratch.get();
        long at = s.address + s.optionOffset;
        int r;
        if (option == StandardSocketOptions.SO_LINGER) {
            int seconds = (Integer) value;
            s.mem.putInt(s.optionOffset + abi.lingerOnOffOffset, seconds >= 0 ? 1 : 0);
            s.mem.putInt(s.optionOffset + abi.lingerSecondsOffset, Math.max(0, seconds));
            r = sys.setsockopt(fd, abi.SOL_SOCKET, abi.SO_LINGER, at, abi.lingerSize);
        } else {
            int[] lo = levelAndName(option);
            int v;
            if (value instanceof Boolean b) {
                v = b ? 1 : 0;
            } else {
                v = (Integer) value;
                if (v < 0) {
                    throw new IllegalArgumentException(option.name() + " " + v + " is negative");
                }
            }
            s.mem.putInt(s.optionOffset, v);
            r = sys.setsockopt(fd, lo[0], lo[1], at, 4);
        }
        if (r < 0) {
            fail("setsockopt(" + option.name() + ")", r);
        }
    }

    /** Reads an option that {@link #setOption} can set, as the kernel reports it. */
    @SuppressWarnings("unchecked")
    public <T> T getOption(int fd, SocketOption<T> option) throws IOException {
        checkFd(fd);
        Objects.requireNonNull(option, "option");
        if (option == StandardSocketOptions.SO_LINGER) {
            Scratch s = scratch.get();
            s.mem.putInt(s.lengthOffset, abi.lingerSize);
            int r = sys.getsockopt(fd, abi.SOL_SOCKET, abi.SO_LINGER, s.address + s.optionOffset, s.address + s.lengthOffset);
            if (r < 0) {
                fail("getsockopt(SO_LINGER)", r);
            }
            boolean on = s.mem.getInt(s.optionOffset + abi.lingerOnOffOffset) != 0;
            return (T) Integer.valueOf(on ? s.mem.getInt(s.optionOffset + abi.lingerSecondsOffset) : -1);
        }
        int[] lo = levelAndName(option);
        int v = getIntOption(fd, lo[0], lo[1], "getsockopt(" + option.name() + ")");
        return option.type() == Boolean.class ? (T) Boolean.valueOf(v != 0) : (T) Integer.valueOf(v);
    }

    private int[] levelAndName(SocketOption<?> option) {
        if (option == StandardSocketOptions.TCP_NODELAY) {
            return new int[] {abi.IPPROTO_TCP, abi.TCP_NODELAY};
        } else if (option == StandardSocketOptions.SO_REUSEADDR) {
            return new int[] {abi.SOL_SOCKET, abi.SO_REUSEADDR};
        } else if (option == StandardSocketOptions.SO_REUSEPORT) {
            return new int[] {abi.SOL_SOCKET, abi.SO_REUSEPORT};
        } else if (option == StandardSocketOptions.SO_KEEPALIVE) {
            return new int[] {abi.SOL_SOCKET, abi.SO_KEEPALIVE};
        } else if (option == StandardSocketOptions.SO_RCVBUF) {
            return new int[] {abi.SOL_SOCKET, abi.SO_RCVBUF};
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            return new int[] {abi.SOL_SOCKET, abi.SO_SNDBUF};
        }
        throw new UnsupportedOperationException("socket option " + option.name() + " is not supported by Weft's native layer");
    }

    private int getIntOption(int fd, int level, int name, String op) throws IOException {
        checkFd(fd);
        Scratch s = scratch.get();
        s.mem.putInt(s.optionOffset, 0);
        s.mem.putInt(s.lengthOffset, 4);
        int r = sys.getsockopt(fd, level, name, s.address + s.optionOffset, s.address + s.lengthOffset);
        if (r < 0) {
            fail(op, r);
        }
        return s.mem.getInt(s.optionOffset);
    }

    // --- data ---

    /**
     * Reads into {@code dst} from its position: bytes read (position moved), {@link #EOF},
     * {@link #WOULD_BLOCK}, or 0 when {@code dst} has no room.
     */
    public int read(int fd, ByteBuffer dst) throws IOException {
        checkFd(fd);
        return readAt(fd, writableAddressOf(dst, "dst"), dst);
    }

    /** As {@link #read(int, ByteBuffer)}, without looking the buffer's address up again. */
    public int read(int fd, NativeBuffer dst) throws IOException {
        checkFd(fd);
        Objects.requireNonNull(dst, "dst");
        ByteBuffer b = dst.buffer;
        if (b.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only and cannot receive data");
        }
        return readAt(fd, dst.address, b);
    }

    private int readAt(int fd, long base, ByteBuffer dst) throws IOException {
        int pos = dst.position();
        int n = dst.limit() - pos;
        if (n == 0) {
            return 0;
        }
        int r = readResult(sys.read(fd, base + pos, n));
        if (r > 0) {
            dst.position(pos + r);
        }
        return r;
    }

    /** Reads into {@code dst[offset, offset + length)}, leaving its position alone. */
    public int read(int fd, ByteBuffer dst, int offset, int length) throws IOException {
        checkFd(fd);
        long base = writableAddressOf(dst, "dst");
        Objects.checkFromIndexSize(offset, length, dst.capacity());
        return length == 0 ? 0 : readResult(sys.read(fd, base + offset, length));
    }

    /** Writes from {@code src}'s position: bytes written (position moved) or {@link #WOULD_BLOCK}. */
    public int write(int fd, ByteBuffer src) throws IOException {
        checkFd(fd);
        return writeAt(fd, addressOf(src, "src"), src);
    }

    /** As {@link #write(int, ByteBuffer)}, without looking the buffer's address up again. */
    public int write(int fd, NativeBuffer src) throws IOException {
        checkFd(fd);
        Objects.requireNonNull(src, "src");
        return writeAt(fd, src.address, src.buffer);
    }

    private int writeAt(int fd, long base, ByteBuffer src) throws IOException {
        int pos = src.position();
        int n = src.limit() - pos;
        if (n == 0) {
            return 0;
        }
        int r = writeResult(sys.send(fd, base + pos, n, 0));
        if (r > 0) {
            src.position(pos + r);
        }
        return r;
    }

    /** Writes {@code src[offset, offset + length)}, leaving its position alone. */
    public int write(int fd, ByteBuffer src, int offset, int length) throws IOException {
        checkFd(fd);
        long base = addressOf(src, "src");
        Objects.checkFromIndexSize(offset, length, src.capacity());
        return length == 0 ? 0 : writeResult(sys.send(fd, base + offset, length, 0));
    }

    /**
     * Scattering read into {@code dsts[offset, offset + length)} (at most {@link #MAX_IOVECS}
     * with room): total bytes read, positions moved in order, or {@link #EOF} /
     * {@link #WOULD_BLOCK}; 0 when none has room.
     */
    public long read(int fd, ByteBuffer[] dsts, int offset, int length) throws IOException {
        checkFd(fd);
        Scratch s = scratch.get();
        int count = fillIovecs(s, dsts, offset, length, true);
        if (count == 0) {
            return 0;
        }
        long r = sys.readv(fd, s.address + s.iovOffset, count);
        if (r > 0) {
            advance(dsts, offset, length, r);
            return r;
        }
        return r == 0 ? EOF : r == -eagain ? WOULD_BLOCK : fail("readv", (int) r);
    }

    /**
     * Gathering write from {@code srcs[offset, offset + length)} (at most {@link #MAX_IOVECS}
     * with data): total bytes written, positions moved in order, or {@link #WOULD_BLOCK}.
     */
    public long write(int fd, ByteBuffer[] srcs, int offset, int length) throws IOException {
        checkFd(fd);
        Scratch s = scratch.get();
        int count = fillIovecs(s, srcs, offset, length, false);
        if (count == 0) {
            return 0;
        }
        long r = sys.sendmsg(fd, message(s, 0L, 0, count), 0);
        if (r >= 0) {
            advance(srcs, offset, length, r);
            return r;
        }
        return r == -eagain ? WOULD_BLOCK : fail("sendmsg", (int) r);
    }

    /** Sends one datagram from {@code src}'s position to {@code target}: bytes sent or {@link #WOULD_BLOCK}. */
    public int sendTo(int fd, ByteBuffer src, InetSocketAddress target) throws IOException {
        checkFd(fd);
        long base = addressOf(src, "src");
        Objects.requireNonNull(target, "target");
        Scratch s = scratch.get();
        int nameLength = sockaddr.encode(target, s.mem);
        int pos = src.position();
        putIovec(s, 0, base + pos, src.limit() - pos);
        long r = sys.sendmsg(fd, message(s, s.address, nameLength, 1), 0);
        if (r >= 0) {
            src.position(pos + (int) r);
            return (int) r;
        }
        return r == -eagain ? WOULD_BLOCK : fail("sendmsg to " + target, (int) r);
    }

    /**
     * Receives one datagram into {@code dst}'s position (a datagram longer than the room left
     * is truncated, as with {@code DatagramChannel}): its sender, or {@code null} if none is
     * waiting.
     */
    public InetSocketAddress receiveFrom(int fd, ByteBuffer dst) throws IOException {
        checkFd(fd);
        long base = writableAddressOf(dst, "dst");
        Scratch s = scratch.get();
        int pos = dst.position();
        putIovec(s, 0, base + pos, dst.limit() - pos);
        long r = sys.recvmsg(fd, message(s, s.address, sockaddr.capacity(), 1), 0);
        if (r >= 0) {
            dst.position(pos + (int) r);
            return sockaddr.decode(s.mem, s.mem.getInt(s.msghdrOffset + abi.msghdrNameLengthOffset));
        }
        if (r == -eagain) {
            return null;
        }
        fail("recvmsg", (int) r);
        return null;
    }

    /** Fills the scratch msghdr: an optional socket address and the first {@code iovCount} scratch iovecs. */
    private long message(Scratch s, long name, int nameLength, int iovCount) {
        int m = s.msghdrOffset;
        for (int i = 0; i < abi.msghdrSize; i += 8) {
            s.mem.putLong(m + i, 0L);
        }
        s.mem.putLong(m + abi.msghdrNameOffset, name);
        s.mem.putInt(m + abi.msghdrNameLengthOffset, nameLength);
        s.mem.putLong(m + abi.msghdrIovOffset, s.address + s.iovOffset);
        s.mem.putLong(m + abi.msghdrIovLengthOffset, iovCount);
        return s.address + m;
    }

    private void putIovec(Scratch s, int index, long base, long length) {
        int at = s.iovOffset + index * abi.iovecSize;
        s.mem.putLong(at + abi.iovecBaseOffset, base);
        s.mem.putLong(at + abi.iovecLengthOffset, length);
    }

    private int readResult(int r) throws IOException {
        if (r > 0) {
            return r;
        }
        return r == 0 ? EOF : r == -eagain ? WOULD_BLOCK : fail("read", r);
    }

    private int writeResult(int r) throws IOException {
        if (r >= 0) {
            return r;
        }
        return r == -eagain ? WOULD_BLOCK : fail("send", r);
    }

    /** Writes the iovecs of the buffers with room (or data); returns how many. */
    private int fillIovecs(Scratch s, ByteBuffer[] bufs, int offset, int length, boolean receiving) {
        Objects.requireNonNull(bufs, "buffers");
        Objects.checkFromIndexSize(offset, length, bufs.length);
        int count = 0;
        for (int i = offset; i < offset + length && count < MAX_IOVECS; i++) {
            ByteBuffer b = bufs[i];
            long base = receiving ? writableAddressOf(b, "buffers[" + i + "]") : addressOf(b, "buffers[" + i + "]");
            int n = b.remaining();
            if (n == 0) {
                continue;
            }
            putIovec(s, count++, base + b.position(), n);
        }
        return count;
    }

    /** Moves the positions of the buffers in order over {@code n} transferred bytes. */
    private static void advance(ByteBuffer[] bufs, int offset, int length, long n) {
        for (int i = offset; i < offset + length && n > 0; i++) {
            ByteBuffer b = bufs[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    /** Throws the mapped exception; declared to return so callers can use it in expressions. */
    private int fail(String op, int result) throws IOException {
        throw errno.exception(op, result);
    }
}
