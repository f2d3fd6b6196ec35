package dev.weft.net;

import dev.weft.sys.Posix;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Checks and bookkeeping for vectored I/O over {@code ByteBuffer[]} slices, shared by the
 * direct path (one {@code readv}/{@code sendmsg}) and the heap path (through one scratch buffer).
 *
 * <p>Thread-safety: stateless; the buffers are the caller's to guard.
 */
final class Buffers {
    private Buffers() {
    }

    /**
     * Checks the slice {@code bufs[offset, offset + length)} (no null element; writable when
     * {@code receiving}) and returns the bytes it has room for (or holds).
     */
    static long remaining(ByteBuffer[] bufs, int offset, int length, boolean receiving) {
        Objects.requireNonNull(bufs, "buffers");
        Objects.checkFromIndexSize(offset, length, bufs.length);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = bufs[i];
            if (b == null) {
                throw new NullPointerException("buffers[" + i + "] is null");
            }
            if (receiving && b.isReadOnly()) {
                throw new IllegalArgumentException("buffers[" + i + "] is read-only and cannot receive data");
            }
            total += b.remaining();
        }
        return total;
    }

    static boolean allDirect(ByteBuffer[] bufs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (!bufs[i].isDirect()) {
                return false;
            }
        }
        return true;
    }

    /** The bytes one vectored syscall covers: the first {@link Posix#MAX_IOVECS} non-empty buffers. */
    static long iovecBytes(ByteBuffer[] bufs, int offset, int length) {
        long total = 0;
        int count = 0;
        for (int i = offset; i < offset + length && count < Posix.MAX_IOVECS; i++) {
            int r = bufs[i].remaining();
            if (r > 0) {
                total += r;
                count++;
            }
        }
        return total;
    }

    /** Copies {@code src} (read mode) into the buffers in order, moving their positions. */
    static void spread(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
        for (int i = offset; i < offset + length && src.hasRemaining(); i++) {
            ByteBuffer d = dsts[i];
            int n = Math.min(d.remaining(), src.remaining());
            if (n > 0) {
                d.put(src.slice().limit(n));
                src.position(src.position() + n);
            }
        }
    }

    /** Copies as much of the buffers as fits into {@code dst}, leaving their positions alone. */
    static void gather(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
        for (int i = offset; i < offset + length && dst.hasRemaining(); i++) {
            ByteBuffer s = srcs[i];
            int n = Math.min(s.remaining(), dst.remaining());
            if (n > 0) {
                dst.put(s.duplicate().limit(s.position() + n));
            }
        }
    }

    /** Moves the positions of the buffers in order over {@code n} transferred bytes. */
    static void advance(ByteBuffer[] bufs, int offset, int length, long n) {
        for (int i = offset; i < offset + length && n > 0; i++) {
            ByteBuffer b = bufs[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }
}
