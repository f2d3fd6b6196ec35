package dev.weft.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad fd, buffer, offset and length is stopped in Java with a message, before any
 * address reaches C, for every binding.
 */
class PosixArgumentsTest {
    private int fd = -1;
    private Posix posix;
    private OpenDescriptors baselineFds;

    static List<Syscalls> bindings() {
        return Bindings.available();
    }

    @BeforeEach
    void countFds() {
        baselineFds = OpenDescriptors.snapshot();
    }

    @AfterEach
    void closeSocket() throws IOException {
        if (fd >= 0) {
            posix.close(fd);
        }
        OpenDescriptors.assertNoLeakSince(baselineFds, "after this test");
    }

    private <T extends Throwable> void rejects(Class<T> type, String fragment, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(String.valueOf(e.getMessage()).contains(fragment), "message '" + e.getMessage() + "' should say '" + fragment + "'");
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void badArgumentsAreRejectedWithAMessage(Syscalls sys) throws IOException {
        posix = new Posix(sys);
        fd = posix.openStream(StandardProtocolFamily.INET);
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        ByteBuffer heap = ByteBuffer.allocate(16);

        rejects(IllegalArgumentException.class, "fd -1 is negative", () -> posix.read(-1, direct));
        rejects(IllegalArgumentException.class, "fd -7 is negative", () -> posix.write(-7, direct));
        rejects(IllegalArgumentException.class, "fd -1 is negative", () -> posix.close(-1));
        rejects(IllegalArgumentException.class, "fd -2 is negative", () -> posix.accept(-2));
        rejects(IllegalArgumentException.class, "heap ByteBuffer", () -> posix.read(fd, heap));
        rejects(IllegalArgumentException.class, "heap ByteBuffer", () -> posix.write(fd, heap));
        rejects(IllegalArgumentException.class, "read-only", () -> posix.read(fd, direct.asReadOnlyBuffer()));
        rejects(NullPointerException.class, "dst", () -> posix.read(fd, (ByteBuffer) null));

        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.read(fd, direct, -1, 4));
        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.read(fd, direct, 0, 17));
        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.read(fd, direct, 12, 5));
        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.write(fd, direct, 8, -1));
        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.write(fd, direct, Integer.MAX_VALUE, Integer.MAX_VALUE));

        ByteBuffer[] bufs = {direct, ByteBuffer.allocateDirect(4)};
        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.write(fd, bufs, 1, 2));
        rejects(IndexOutOfBoundsException.class, "out of bounds", () -> posix.read(fd, bufs, -1, 1));
        rejects(NullPointerException.class, "buffers[1]", () -> posix.write(fd, new ByteBuffer[] {direct, null}, 0, 2));
        rejects(IllegalArgumentException.class, "buffers[0] is a heap ByteBuffer", () -> posix.write(fd, new ByteBuffer[] {heap}, 0, 1));

        rejects(IllegalArgumentException.class, "unresolved address",
                () -> posix.connect(fd, InetSocketAddress.createUnresolved("example.invalid", 80)));
        rejects(IllegalArgumentException.class, "backlog -1 is negative", () -> posix.listen(fd, -1));
        rejects(IllegalArgumentException.class, "SO_RCVBUF -5 is negative", () -> posix.setOption(fd, StandardSocketOptions.SO_RCVBUF, -5));
        rejects(UnsupportedOperationException.class, "IP_TOS", () -> posix.setOption(fd, StandardSocketOptions.IP_TOS, 1));
        rejects(IllegalArgumentException.class, "shutdown of neither", () -> posix.shutdown(fd, false, false));
    }

    @ParameterizedTest
    @MethodSource("bindings")
    void aDescriptorThatIsNotOpenIsAClosedChannelNotACrash(Syscalls sys) {
        posix = new Posix(sys);
        // Far above any fd limit here, so certainly not open (closing a real fd twice could
        // close a number another thread was just given).
        int notOpen = 999_999;
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> posix.close(notOpen));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> posix.read(notOpen, ByteBuffer.allocateDirect(4)));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> posix.write(notOpen, ByteBuffer.allocateDirect(4)));
    }
}
