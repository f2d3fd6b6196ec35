package dev.weft.net;

import dev.weft.task.Async;
import dev.weft.task.Context;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The reading half of a {@link TcpStream#split() split} stream: one task reads through it
 * while another writes through the {@link TcpWriteHalf}.
 *
 * <p>Thread-safety: one task at a time; concurrent with the write half.
 */
public final class TcpReadHalf implements AutoCloseable {
    private final TcpStream stream;
    private final TcpStream.Split.Owner owner;
    private boolean closed;

    TcpReadHalf(TcpStream stream, TcpStream.Split.Owner owner) {
        this.stream = stream;
        this.owner = owner;
    }

    /** As {@link TcpStream#pollRead(Context, ByteBuffer)}. */
    public int pollRead(Context cx, ByteBuffer dst) throws IOException {
        return stream.pollRead(cx, dst);
    }

    /** As {@link TcpStream#read(ByteBuffer)}. */
    public Async<Integer> read(ByteBuffer dst) {
        return stream.read(dst);
    }

    /** As {@link TcpStream#read(ByteBuffer[])}. */
    public Async<Long> read(ByteBuffer[] dsts) {
        return stream.read(dsts);
    }

    /** Releases this half; the stream closes once the write half is released too. Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            owner.releaseHalf();
        }
    }
}
