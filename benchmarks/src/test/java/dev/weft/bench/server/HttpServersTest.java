package dev.weft.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plaintext HTTP servers, each started in this JVM: pipelining answers in order, malformed
 * requests get 400 and oversize heads 431, and either way the server closes the connection
 * (nothing leaks) and keeps serving others.
 */
class HttpServersTest {

    interface Starter {
        BenchServer start(ServerArgs args) throws Exception;
    }

    static Stream<Arguments> servers() {
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("jdk-nio", (Starter) NioHttpServer::start));
        all.add(Arguments.of("netty-epoll", (Starter) NettyHttpServer::start));
        all.addAll(WeftServers.httpServers());
        return all.stream();
    }

    /** One parsed response: status line, whether it carried a Connection: keep-alive/close, body. */
    record Response(int status, String connection, String body) {
    }

    private static Response readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        int length = 0;
        String connection = "";
        for (String line : lines) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("connection:")) {
                connection = lower.substring(11).trim();
            }
        }
        byte[] body = in.readNBytes(length);
        return new Response(status, connection, new String(body, StandardCharsets.ISO_8859_1));
    }

    private static Socket connect(BenchServer server) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** Waits (bounded) for the process's fd count to come back to {@code baseline}. */
    private static void assertFdsBackTo(long baseline) throws Exception {
        long now = openFds();
        for (int i = 0; i < 100 && now > baseline; i++) {
            Thread.sleep(50);
            now = openFds();
        }
        assertTrue(now <= baseline, "open fds " + now + " did not return to " + baseline);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void answersAPipelinedBatchOf16InOrder(String name, Starter starter) throws Exception {
        try (BenchServer server = starter.start(new ServerArgs(0, 1, "AUTO")); Socket s = connect(server)) {
            // Every fourth request is HTTP/1.0 asking for keep-alive: only its answer confirms
            // "keep-alive", and the last request asks to close, so the order is observable.
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                if (i == 15) {
                    batch.append("GET /15 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                } else if (i % 4 == 1) {
                    batch.append("GET /").append(i).append(" HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                } else {
                    batch.append("GET /").append(i).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
                }
            }
            s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            for (int i = 0; i < 16; i++) {
                Response r = readResponse(in);
                assertTrue(r != null, name + ": response " + i + " missing");
                assertEquals(200, r.status(), "response " + i);
                assertEquals("Hello, World!", r.body(), "response " + i);
                String expected = i == 15 ? "close" : i % 4 == 1 ? "keep-alive" : "";
                assertEquals(expected, r.connection(), "Connection header of response " + i);
            }
            assertEquals(-1, in.read(), "the server closes after the Connection: close request");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void malformedAndOversizeRequestsAreAnsweredAndClosedWithoutLeaking(String name, Starter starter) throws Exception {
        try (BenchServer server = starter.start(new ServerArgs(0, 1, "AUTO"))) {
            try (Socket warm = connect(server)) { // let lazily opened resources open first
                warm.getOutputStream().write("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, readResponse(warm.getInputStream()).status());
            }
            long baseline = openFds();
            for (int round = 0; round < 20; round++) {
                try (Socket s = connect(server)) {
                    s.getOutputStream().write("BROKEN REQUEST\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    Response r = readResponse(s.getInputStream());
                    assertEquals(400, r.status(), name);
                    assertEquals("close", r.connection());
                    assertEquals(-1, s.getInputStream().read(), "closed after 400");
                }
                try (Socket s = connect(server)) {
                    String big = "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n";
                    s.getOutputStream().write(big.getBytes(StandardCharsets.US_ASCII));
                    Response r = readResponse(s.getInputStream());
                    assertEquals(431, r.status(), name);
                    assertEquals(-1, s.getInputStream().read(), "closed after 431");
                }
            }
            assertFdsBackTo(baseline);
            try (Socket s = connect(server)) { // and it still serves
                s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("Hello, World!", readResponse(s.getInputStream()).body());
            }
        }
    }
}
