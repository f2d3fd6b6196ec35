package dev.weft.net;

import dev.weft.sys.LinuxAbi;
import dev.weft.sys.Posix;
import dev.weft.sys.Sockaddr;
import dev.weft.sys.Syscalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Receiving one datagram with its sender and its true length. {@code recvmsg} with
 * {@code MSG_TRUNC} returns the length the datagram had even when the buffer was shorter, which
 * is how a truncated datagram is told apart from one that just fit; {@link Posix} has no such
 * call, so this one is made here on the binding directly, with the same checks
 * (a direct, writable buffer; the kernel writes only within its remaining room).
 *
 * <p>Thread-safety: the socket-address memory is per thread.
 */
final class Datagrams {
    /** Linux's MSG_TRUNC, the same on every architecture (bits/socket.h). */
    private static final int MSG_TRUNC = 0x20;

    private static final int SOCKADDR_ROOM = 128;
    /** Per thread: a socket address, a msghdr and one iovec, at fixed offsets. */
    private static final ThreadLocal<ByteBuffer> MEMORY = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(512).order(ByteOrder.nativeOrder()));

    private Datagrams() {
    }

    /** Receives one datagram into {@code dst} (direct, writable); {@code null} if none is waiting. */
    static Datagram receive(Posix posix, int fd, ByteBuffer dst) throws IOException {
        Syscalls sys = posix.syscalls();
        LinuxAbi abi = sys.abi();
        Sockaddr sockaddr = new Sockaddr(abi);
        ByteBuffer mem = MEMORY.get();
        int msghdr = SOCKADDR_ROOM;
        int iovec = msghdr + 128;
        if (sockaddr.capacity() > SOCKADDR_ROOM || abi.msghdrSize > 128 || abi.iovecSize > mem.capacity() - iovec) {
            throw new IllegalStateException("socket address, msghdr or iovec larger than the receive memory reserves");
        }
        long base = sys.address(dst);
        if (base == 0 || dst.isReadOnly()) {
            throw new IllegalArgumentException("a datagram is received into a direct, writable buffer");
        }
        long at = sys.address(mem);
        int pos = dst.position();
        int room = dst.remaining();
        for (int i = 0; i < abi.msghdrSize; i += 4) {
            mem.putInt(msghdr + i, 0);
        }
        mem.putLong(iovec + abi.iovecBaseOffset, base + pos);
        mem.putLong(iovec + abi.iovecLengthOffset, room);
        mem.putLong(msghdr + abi.msghdrNameOffset, at);
        mem.putInt(msghdr + abi.msghdrNameLengthOffset, sockaddr.capacity());
        mem.putLong(msghdr + abi.msghdrIovOffset, at + iovec);
        mem.putLong(msghdr + abi.msghdrIovLengthOffset, 1);
        long r = sys.recvmsg(fd, at + msghdr, MSG_TRUNC);
        if (r < 0) {
            if (r == -abi.EAGAIN) {
                return null;
            }
            throw posix.errno().exception("recvmsg", (int) r);
        }
        boolean truncated = (mem.getInt(msghdr + abi.msghdrFlagsOffset) & MSG_TRUNC) != 0 || r > room;
        dst.position(pos + (int) Math.min(r, room));
        InetSocketAddress sender = sockaddr.decode(mem, mem.getInt(msghdr + abi.msghdrNameLengthOffset));
        return new Datagram(sender, (int) r, truncated);
    }
}
