package dev.weft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.task.Async;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start, compiled and run: an echo server written with combinators answers a
 * plain blocking client, and a timeout bounds a sleep. If this test has to change, so does the
 * README.
 */
class QuickStartTest {

    // --- README quick start begins ---
    static Async<Void> echo(TcpStream stream) {
        ByteBuffer buf = ByteBuffer.allocateDirect(8192);
        return Async.loop(true, open -> !open,
                        open -> stream.read(buf.clear()).flatMap(n -> n < 0
                                ? Async.ready(false)
                                : stream.writeAll(buf.flip()).map(done -> true)))
                .recover(error -> false) // a reset peer ends this connection only
                .map(open -> close(stream));
    }

    static Void close(TcpStream stream) {
        try {
            stream.close();
        } catch (java.io.IOException e) {
            System.getLogger("echo").log(System.Logger.Level.DEBUG, "close failed", e);
        }
        return null;
    }

    static Async<Void> serve(TcpListener listener) {
        return Async.loop(listener, l -> false,
                l -> l.accept().map(stream -> {
                    Weft.spawn(echo(stream));
                    return l;
                })).map(l -> null);
    }
    // --- README quick start ends ---

    @Test
    void anEchoServerWrittenWithCombinatorsAnswersAPlainClient() throws Exception {
        try (Runtime runtime = Runtime.builder().workers(2).build()) {
            TcpListener listener = runtime.blockOn(TcpListener.bind(new InetSocketAddress("127.0.0.1", 0)));
            runtime.spawn(serve(listener));

            byte[] hello = "hello, weft".getBytes(StandardCharsets.US_ASCII);
            try (Socket client = new Socket("127.0.0.1", listener.localAddress().getPort())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                DataInputStream in = new DataInputStream(client.getInputStream());
                for (int round = 0; round < 3; round++) {
                    out.write(hello);
                    byte[] back = new byte[hello.length];
                    in.readFully(back);
                    assertArrayEquals(hello, back, "round " + round);
                }
            }
        }
    }

    @Test
    void aTimeoutBoundsASleepOnPausedTime() throws Exception {
        try (Runtime runtime = Runtime.builder().workers(1).startPaused(true).build()) {
            String outcome = runtime.blockOn(
                    Weft.timeout(Duration.ofSeconds(1), Weft.sleep(Duration.ofHours(1)).map(v -> "slept"))
                            .recover(e -> e.getClass().getSimpleName()));
            assertEquals("TimeoutException", outcome);
        }
    }
}
