package dev.weft.net;

import dev.weft.task.Async;
import dev.weft.task.Context;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The writing half of a {@link TcpStream#split() split} stream: one task writes through it
 * while another reads through the {@link TcpReadHalf}.
 *
 * <p>Thread-safety: one task at a time; concurrent with the read half.
 */
public final class TcpWriteHalf implements AutoCloseable {
    private final TcpStream stream;
    private final TcpStream.Split.Owner owner;
    private boolean closed;

    TcpWriteHalf(TcpStream stream, TcpStream.Split.Owner owner) {
        this.stream = stream;
        this.owner = owner;
    }

    /** As {@link TcpStream#pollWrite(Context, ByteBuffer)}. */
    public int pollWrite(Context cx, ByteBuffer src) throws IOException {
        return stream.pollWrite(cx, src);
    }

    /** As {@link TcpStream#write(ByteBuffer)}. */
    public Async<Integer> write(ByteBuffer src) {
        return stream.write(src);
    }

    /** As {@link TcpStream#writeAll(ByteBuffer)}. */
    public Async<Void> writeAll(ByteBuffer src) {
        return stream.writeAll(src);
    }

    /** As {@link TcpStream#write(ByteBuffer[])}. */
    public Async<Long> write(ByteBuffer[] srcs) {
        return stream.write(srcs);
    }

    /** As {@link TcpStream#shutdownOutput()}. */
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    /**
     * Shuts down output (the peer reads end of stream) and releases this half; the stream
     * closes once the read half is released too. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                if (stream.isOpen()) {
                    stream.shutdownOutput();
                }
            } catch (java.net.SocketException peerGone) {
                // ENOTCONN after a reset: there is no peer left to send end of stream to, and the
                // reset itself was reported to whoever read or wrote.
            } finally {
                owner.releaseHalf();
            }
        }
    }
}
