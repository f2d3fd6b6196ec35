package dev.weft.sys;

import java.nio.ByteBuffer;

/**
 * A direct {@link ByteBuffer} paired with its native address, looked up once by
 * {@link Posix#wrap(ByteBuffer)}, so hot read and write paths skip the per-call address
 * lookup (one native call each). The pairing cannot be forged from outside this package, so
 * the address is always the buffer's own; the buffer stays reachable through this object, so
 * its memory cannot be freed while the address is used.
 *
 * <p>Thread-safety: as the wrapped buffer (position and limit are not synchronised).
 */
public final class NativeBuffer {
    final ByteBuffer buffer;
    final long address;

    NativeBuffer(ByteBuffer buffer, long address) {
        this.buffer = buffer;
        this.address = address;
    }

    /** The wrapped buffer: fill it, flip it, read it as usual. */
    public ByteBuffer buffer() {
        return buffer;
    }
}
