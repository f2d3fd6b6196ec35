package dev.weft.bench.server;

import dev.weft.net.TcpStream;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Echo server on Weft, written as a hand-made state machine: each connection is one task whose
 * poll reads into a direct buffer and writes back what it read, through the allocation-free
 * {@link TcpStream#pollRead}/{@link TcpStream#pollWrite}. Nothing is allocated per round trip.
 * While the peer does not take the echo, the task stops reading (bounded memory, backpressure).
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.WeftEchoServer PORT WORKERS [--backend EPOLL_JNI]}
 */
public final class WeftEchoServer {

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("weft-echo", start(ServerArgs.parse("WeftEchoServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) {
        return WeftServer.start(args, Connection::new);
    }

    /** One connection: bytes in {@code [0, position)} of the buffer are read but not yet echoed. */
    static final class Connection implements Async<Void> {
        private final TcpStream stream;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(8 * 1024);

        Connection(TcpStream stream) {
            this.stream = stream;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            try {
                while (true) {
                    if (buf.position() > 0) {
                        buf.flip();
                        int w = stream.pollWrite(cx, buf);
                        buf.compact();
                        if (w == TcpStream.PENDING) {
                            return Poll.pending();
                        }
                        continue; // write the rest, or read the next message
                    }
                    int r = stream.pollRead(cx, buf);
                    if (r == TcpStream.PENDING) {
                        return Poll.pending();
                    }
                    if (r == TcpStream.EOF) {
                        WeftServer.closeQuietly(stream);
                        return Poll.ready(null);
                    }
                }
            } catch (IOException e) {
                WeftServer.closeQuietly(stream); // a reset or a closed stream ends this connection only
                return Poll.ready(null);
            }
        }

        @Override
        public void cancel() {
            WeftServer.closeQuietly(stream);
        }
    }
}
