package dev.weft.bench.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestScannerTest {

    private final HttpRequestScanner scanner = new HttpRequestScanner();

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aSimpleGetIsOneKeepAliveRequest() {
        ByteBuffer b = bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(b));
        assertTrue(scanner.keepAlive());
        assertFalse(b.hasRemaining());
        assertEquals(HttpRequestScanner.NEED_MORE, scanner.next(b));
    }

    @Test
    void pipelinedRequestsComeOutOneAtATime() {
        ByteBuffer b = bytes("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.0\r\n\r\nGET /c HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(b));
        assertTrue(scanner.keepAlive());
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(b));
        assertTrue(scanner.http10());
        assertFalse(scanner.keepAlive(), "HTTP/1.0 closes unless asked to keep alive");
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(b));
        assertFalse(scanner.keepAlive());
    }

    @Test
    void aHeadArrivingByteByByteIsFoundOnce() {
        String req = "GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n";
        ByteBuffer b = ByteBuffer.allocate(256);
        for (int i = 0; i < req.length() - 1; i++) {
            b.put((byte) req.charAt(i));
            b.flip();
            assertEquals(HttpRequestScanner.NEED_MORE, scanner.next(b));
            b.compact();
        }
        b.put((byte) '\n');
        b.flip();
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(b));
        assertTrue(scanner.keepAlive());
    }

    @Test
    void aBodyIsSkippedEvenWhenItArrivesLater() {
        ByteBuffer b = bytes("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel");
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(b));
        assertEquals(HttpRequestScanner.NEED_MORE, scanner.next(b));
        ByteBuffer rest = bytes("loGET / HTTP/1.1\r\n\r\n");
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(rest));
        assertFalse(rest.hasRemaining());
    }

    @Test
    void malformedHeadsAreBadRequests() {
        String[] bad = {
            "GARBAGE\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET / HTTP/1.1\r\n folded: line\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
        };
        for (String s : bad) {
            assertEquals(HttpRequestScanner.BAD_REQUEST, new HttpRequestScanner().next(bytes(s)), s);
        }
    }

    @Test
    void chunkedBodiesAreNotImplemented() {
        assertEquals(HttpRequestScanner.NOT_IMPLEMENTED,
                scanner.next(bytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")));
    }

    @Test
    void aHeadOverEightKibIsRefusedBeforeItEnds() {
        ByteBuffer b = bytes("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpRequestScanner.MAX_HEAD_BYTES));
        assertEquals(HttpRequestScanner.HEAD_TOO_LARGE, scanner.next(b));
    }

    @Test
    void aHeadJustUnderTheLimitIsAccepted() {
        String prefix = "GET / HTTP/1.1\r\nX: ";
        String head = prefix + "a".repeat(HttpRequestScanner.MAX_HEAD_BYTES - prefix.length() - 4) + "\r\n\r\n";
        assertEquals(HttpRequestScanner.MAX_HEAD_BYTES, head.length());
        assertEquals(HttpRequestScanner.REQUEST, scanner.next(bytes(head)));
    }
}
