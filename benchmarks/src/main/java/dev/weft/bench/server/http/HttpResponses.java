package dev.weft.bench.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The responses of the plaintext benchmark: {@code 200 "Hello, World!"} and the bodiless
 * error statuses, as bytes appended to an output buffer without allocating.
 *
 * <p>The {@code Date} header (RFC 9110 requires one from a server with a clock) is formatted
 * once per second and shared: a reader sees either the old or the new immutable array.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class HttpResponses {

    /** No response written by this class is longer than this. */
    public static final int MAX_LENGTH = 256;

    /** The body of the plaintext benchmark. */
    public static final String HELLO = "Hello, World!";

    /** The {@code Server} header value all benchmark servers send. */
    public static final String SERVER = "weft-bench";

    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\nServer: " + SERVER
            + "\r\nContent-Type: text/plain\r\nContent-Length: " + HELLO.length() + "\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] END_AND_BODY = ascii("\r\n" + HELLO);
    private static final byte[] END = ascii("\r\n");
    /** IMF-fixdate (RFC 9110 5.6.7); unlike RFC_1123_DATE_TIME it keeps the day two digits wide. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private static volatile DateLine date = new DateLine(-1, new byte[0], "");

    private HttpResponses() {
    }

    /**
     * Appends the 200 response. {@code close} adds {@code Connection: close}; {@code http10}
     * with keep-alive confirms it with {@code Connection: keep-alive}.
     */
    public static void ok(ByteBuffer out, boolean close, boolean http10) {
        out.put(OK);
        if (close) {
            out.put(CONNECTION_CLOSE);
        } else if (http10) {
            out.put(CONNECTION_KEEP_ALIVE);
        }
        out.put(currentDate().bytes);
        out.put(END_AND_BODY);
    }

    /** Appends a bodiless error response for {@code status} that closes the connection. */
    public static void error(ByteBuffer out, int status) {
        out.put(ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\nServer: " + SERVER
                + "\r\nContent-Length: 0\r\n"));
        out.put(CONNECTION_CLOSE);
        out.put(currentDate().bytes);
        out.put(END);
    }

    /** The reason phrase of the statuses these servers send. */
    public static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 431: return "Request Header Fields Too Large";
            case 501: return "Not Implemented";
            default: throw new IllegalArgumentException("no reason phrase for status " + status);
        }
    }

    /** The current {@code Date} header value, e.g. {@code Wed, 25 Nov 2026 04:53:43 GMT}. */
    public static String dateValue() {
        return currentDate().value;
    }

    private static DateLine currentDate() {
        long second = System.currentTimeMillis() / 1000;
        DateLine d = date;
        if (d.second != second) {
            String value = IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC));
            d = new DateLine(second, ascii("Date: " + value + "\r\n"), value);
            date = d;
        }
        return d;
    }

    private record DateLine(long second, byte[] bytes, String value) {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
