package dev.weft.bench.server;

import dev.weft.net.TcpStream;
import dev.weft.task.Async;
import java.nio.ByteBuffer;

/**
 * Echo server on Weft, written with combinators, the way ordinary application code would:
 * {@code loop(read.flatMap(writeAll))} per connection.
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.WeftAsyncEchoServer PORT WORKERS [--backend EPOLL_JNI]}
 */
public final class WeftAsyncEchoServer {

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("weft-async-echo", start(ServerArgs.parse("WeftAsyncEchoServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) {
        return WeftServer.start(args, WeftAsyncEchoServer::serve);
    }

    /** Reads and echoes until end of stream or an error, then closes. */
    static Async<Void> serve(TcpStream stream) {
        ByteBuffer buf = ByteBuffer.allocateDirect(8 * 1024);
        Async<Boolean> echoing = Async.loop(true, open -> !open,
                open -> stream.read(buf.clear()).flatMap(n -> {
                    if (n < 0) {
                        return Async.ready(false);
                    }
                    return stream.writeAll(buf.flip()).map(done -> true);
                }));
        return echoing.recover(error -> false).map(open -> {
            WeftServer.closeQuietly(stream);
            return null;
        });
    }
}
