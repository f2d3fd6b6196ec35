package dev.weft.bench.server;

import dev.weft.bench.server.http.HttpSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Plaintext HTTP/1.1 server on plain JDK NIO (keep-alive, pipelining, 400/431 then close),
 * the protocol being {@link HttpSession}. While responses wait to be written the connection
 * does not read, so its memory stays at its two fixed buffers.
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.NioHttpServer PORT WORKERS}
 */
public final class NioHttpServer implements NioServer.Handler {

    private final HttpSession session = new HttpSession();

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("nio-http", start(ServerArgs.parse("NioHttpServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) throws java.io.IOException {
        return NioServer.start(args, NioHttpServer::new);
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        boolean drained = false;
        for (;;) {
            ByteBuffer out = session.output();
            if (session.hasOutput()) {
                out.flip();
                ch.write(out);
                out.compact();
                if (session.hasOutput()) {
                    NioServer.interest(key, SelectionKey.OP_WRITE);
                    return;
                }
            }
            if (session.finished()) {
                NioServer.closeQuietly(key);
                return;
            }
            if (session.answer()) {
                continue; // flush what was answered, then look at the input again
            }
            if (drained) {
                NioServer.interest(key, SelectionKey.OP_READ);
                return;
            }
            ByteBuffer in = session.input();
            int space = in.remaining();
            if (space == 0) { // HttpSession's bounds make this unreachable; never spin on it
                throw new IOException("input buffer full without an answerable request");
            }
            int n = ch.read(in);
            if (n < 0) {
                NioServer.closeQuietly(key);
                return;
            }
            drained = n < space;
        }
    }
}
