package dev.weft.bench.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Echo server on plain JDK NIO: each connection owns one 16 KiB direct buffer; it reads, writes
 * back what it read, and when the peer does not take the bytes it stops reading and waits for
 * {@code OP_WRITE} (bounded memory, backpressure to the sender).
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.NioEchoServer PORT WORKERS}
 */
public final class NioEchoServer implements NioServer.Handler {

    private final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("nio-echo", start(ServerArgs.parse("NioEchoServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) throws java.io.IOException {
        return NioServer.start(args, NioEchoServer::new);
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        for (;;) {
            if (buf.position() > 0) { // bytes read but not yet echoed: [0, position)
                buf.flip();
                ch.write(buf);
                buf.compact();
                if (buf.position() > 0) {
                    NioServer.interest(key, SelectionKey.OP_WRITE);
                    return;
                }
            }
            int space = buf.remaining();
            int n = ch.read(buf);
            if (n < 0) {
                NioServer.closeQuietly(key);
                return;
            }
            if (n < space) { // drained for now (or nothing): echo what came, then wait
                if (n > 0) {
                    buf.flip();
                    ch.write(buf);
                    buf.compact();
                }
                NioServer.interest(key, buf.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                return;
            }
        }
    }
}
