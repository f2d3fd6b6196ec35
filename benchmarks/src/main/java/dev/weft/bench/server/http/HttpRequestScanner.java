package dev.weft.bench.server.http;

import java.nio.ByteBuffer;

/**
 * Incremental, allocation-free framing of HTTP/1.1 requests for the plaintext benchmark servers.
 *
 * <p>Algorithm: the caller appends bytes to a buffer and calls {@link #next(ByteBuffer)}; the
 * scanner looks for the blank line (CRLF CRLF) that ends a request head, resuming where the
 * previous call stopped (so a head that trickles in byte by byte costs linear time, not
 * quadratic). A complete head is validated in one pass: request line
 * {@code METHOD SP TARGET SP HTTP/1.x}, then {@code name ":" value} header lines. Only three
 * headers matter here: {@code Content-Length} (the body is skipped as it arrives, never
 * buffered), {@code Transfer-Encoding} (chunked bodies are not implemented: 501) and
 * {@code Connection} (keep-alive is the HTTP/1.1 default, close the HTTP/1.0 one).
 *
 * <p>Invariants: a head longer than {@link #MAX_HEAD_BYTES} is refused as soon as that many
 * bytes have arrived without its end (431), so a connection never needs more than that much
 * input buffer; the buffer's position only moves past bytes that are fully handled.
 *
 * <p>Thread-safety: one scanner per connection, used by one thread at a time.
 */
public final class HttpRequestScanner {

    /** The largest request head (request line plus headers) accepted: 8 KiB. */
    public static final int MAX_HEAD_BYTES = 8192;

    /** No complete request yet: append more bytes and call again. */
    public static final int NEED_MORE = 0;
    /** A complete request was consumed; see {@link #keepAlive()} and {@link #http10()}. */
    public static final int REQUEST = 1;
    /** The head is malformed: answer 400 and close. */
    public static final int BAD_REQUEST = 400;
    /** The head exceeds {@link #MAX_HEAD_BYTES}: answer 431 and close. */
    public static final int HEAD_TOO_LARGE = 431;
    /** A feature this server does not implement (a chunked body): answer 501 and close. */
    public static final int NOT_IMPLEMENTED = 501;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] HTTP_1_DOT = ascii("HTTP/1.");

    /** Bytes after the buffer's position already searched without finding the head's end. */
    private int searched;
    /** Body bytes of the last request still to be skipped. */
    private long bodyLeft;
    private boolean keepAlive;
    private boolean http10;

    /**
     * Consumes at most one request from {@code buf} (in read mode) and says what it was:
     * {@link #NEED_MORE}, {@link #REQUEST}, or an error status to answer before closing.
     */
    public int next(ByteBuffer buf) {
        if (bodyLeft > 0) {
            int skip = (int) Math.min(bodyLeft, buf.remaining());
            buf.position(buf.position() + skip);
            bodyLeft -= skip;
            if (bodyLeft > 0) {
                return NEED_MORE;
            }
        }
        if (searched == 0) {
            skipLeadingEmptyLines(buf);
        }
        int start = buf.position();
        int limit = buf.limit();
        int end = -1;
        for (int i = Math.max(start, start + searched - 3); i + 3 < limit; i++) {
            if (buf.get(i) == CR && buf.get(i + 1) == LF && buf.get(i + 2) == CR && buf.get(i + 3) == LF) {
                end = i + 4;
                break;
            }
        }
        if (end < 0) {
            searched = limit - start;
            return searched >= MAX_HEAD_BYTES ? HEAD_TOO_LARGE : NEED_MORE;
        }
        searched = 0;
        if (end - start > MAX_HEAD_BYTES) {
            return HEAD_TOO_LARGE;
        }
        int status = parseHead(buf, start, end);
        buf.position(end);
        return status;
    }

    /** Whether the connection stays open after answering the last request. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the last request was HTTP/1.0 (its keep-alive must be confirmed explicitly). */
    public boolean http10() {
        return http10;
    }

    /** RFC 9112 2.2: a server should ignore empty lines received before a request line. */
    private static void skipLeadingEmptyLines(ByteBuffer buf) {
        int p = buf.position();
        while (p + 1 < buf.limit() && buf.get(p) == CR && buf.get(p + 1) == LF) {
            p += 2;
        }
        buf.position(p);
    }

    private int parseHead(ByteBuffer b, int start, int end) {
        // Request line: METHOD SP TARGET SP HTTP/1.x CRLF
        int p = start;
        int methodEnd = skipToken(b, p, end);
        if (methodEnd == p || b.get(methodEnd) != ' ') {
            return BAD_REQUEST;
        }
        p = methodEnd + 1;
        int targetStart = p;
        while (p < end && b.get(p) > 0x20 && b.get(p) < 0x7f) {
            p++;
        }
        if (p == targetStart || b.get(p) != ' ') {
            return BAD_REQUEST;
        }
        p++;
        if (!startsWith(b, p, end, HTTP_1_DOT) || p + HTTP_1_DOT.length + 2 >= end) {
            return BAD_REQUEST;
        }
        byte minor = b.get(p + HTTP_1_DOT.length);
        if ((minor != '0' && minor != '1') || b.get(p + HTTP_1_DOT.length + 1) != CR
                || b.get(p + HTTP_1_DOT.length + 2) != LF) {
            return BAD_REQUEST;
        }
        http10 = minor == '0';
        keepAlive = !http10;
        long contentLength = -1;
        p += HTTP_1_DOT.length + 3;
        // Header lines until the empty line that ends the head (at end - 2).
        while (p < end - 2) {
            int nameEnd = skipToken(b, p, end);
            if (nameEnd == p || b.get(nameEnd) != ':') {
                return BAD_REQUEST; // also refuses obsolete line folding (a line starting with SP)
            }
            int v = nameEnd + 1;
            while (b.get(v) == ' ' || b.get(v) == '\t') {
                v++;
            }
            int lineEnd = v;
            while (b.get(lineEnd) != CR) {
                byte c = b.get(lineEnd);
                if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) { // obs-text (negative bytes) is allowed
                    return BAD_REQUEST;
                }
                lineEnd++;
            }
            if (b.get(lineEnd + 1) != LF) {
                return BAD_REQUEST;
            }
            int valueEnd = lineEnd;
            while (valueEnd > v && (b.get(valueEnd - 1) == ' ' || b.get(valueEnd - 1) == '\t')) {
                valueEnd--;
            }
            if (equalsIgnoreCase(b, p, nameEnd, CONTENT_LENGTH)) {
                long n = parseLength(b, v, valueEnd);
                if (n < 0 || (contentLength >= 0 && n != contentLength)) {
                    return BAD_REQUEST;
                }
                contentLength = n;
            } else if (equalsIgnoreCase(b, p, nameEnd, TRANSFER_ENCODING)) {
                return NOT_IMPLEMENTED;
            } else if (equalsIgnoreCase(b, p, nameEnd, CONNECTION)) {
                readConnectionTokens(b, v, valueEnd);
            }
            p = lineEnd + 2;
        }
        bodyLeft = Math.max(0, contentLength);
        return REQUEST;
    }

    /** Applies the {@code close} and {@code keep-alive} tokens of a Connection header value. */
    private void readConnectionTokens(ByteBuffer b, int from, int to) {
        int p = from;
        while (p < to) {
            while (p < to && (b.get(p) == ' ' || b.get(p) == '\t' || b.get(p) == ',')) {
                p++;
            }
            int tokenEnd = skipToken(b, p, to);
            if (equalsIgnoreCase(b, p, tokenEnd, CLOSE)) {
                keepAlive = false;
            } else if (equalsIgnoreCase(b, p, tokenEnd, KEEP_ALIVE)) {
                keepAlive = true;
            }
            p = tokenEnd == p ? p + 1 : tokenEnd;
        }
    }

    /** A decimal length of at most 18 digits, or -1 if the value is not one. */
    private static long parseLength(ByteBuffer b, int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            byte c = b.get(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The index after the longest run of RFC 9110 token characters starting at {@code p}. */
    private static int skipToken(ByteBuffer b, int p, int end) {
        while (p < end && isTokenChar(b.get(p))) {
            p++;
        }
        return p;
    }

    private static boolean isTokenChar(byte c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean startsWith(ByteBuffer b, int p, int end, byte[] prefix) {
        if (end - p < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(p + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Compares token characters with a lower-case constant ({@code | 0x20} folds ASCII letters only). */
    private static boolean equalsIgnoreCase(ByteBuffer b, int from, int to, byte[] lower) {
        if (to - from != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if ((b.get(from + i) | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
