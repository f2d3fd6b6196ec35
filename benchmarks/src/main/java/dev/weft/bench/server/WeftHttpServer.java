package dev.weft.bench.server;

import dev.weft.bench.server.http.HttpSession;
import dev.weft.net.TcpStream;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Plaintext HTTP/1.1 server on Weft (keep-alive, pipelining, 400/431 then close), the protocol
 * being {@link HttpSession}; each connection is one allocation-free state-machine task. While
 * responses wait to be written the connection does not read, so its memory stays at its two
 * fixed buffers.
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.WeftHttpServer PORT WORKERS [--backend EPOLL_JNI]}
 */
public final class WeftHttpServer {

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("weft-http", start(ServerArgs.parse("WeftHttpServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) {
        return WeftServer.start(args, Connection::new);
    }

    static final class Connection implements Async<Void> {
        private final TcpStream stream;
        private final HttpSession session = new HttpSession();

        Connection(TcpStream stream) {
            this.stream = stream;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            try {
                while (true) {
                    if (session.hasOutput()) {
                        ByteBuffer out = session.output();
                        out.flip();
                        int w = stream.pollWrite(cx, out);
                        out.compact();
                        if (w == TcpStream.PENDING) {
                            return Poll.pending();
                        }
                        continue;
                    }
                    if (session.finished()) {
                        WeftServer.closeQuietly(stream);
                        return Poll.ready(null);
                    }
                    if (session.answer()) {
                        continue;
                    }
                    ByteBuffer in = session.input();
                    if (!in.hasRemaining()) { // HttpSession's bounds make this unreachable; never spin on it
                        throw new IOException("input buffer full without an answerable request");
                    }
                    int r = stream.pollRead(cx, in);
                    if (r == TcpStream.PENDING) {
                        return Poll.pending();
                    }
                    if (r == TcpStream.EOF) {
                        WeftServer.closeQuietly(stream);
                        return Poll.ready(null);
                    }
                }
            } catch (IOException e) {
                WeftServer.closeQuietly(stream);
                return Poll.ready(null);
            }
        }

        @Override
        public void cancel() {
            WeftServer.closeQuietly(stream);
        }
    }
}
