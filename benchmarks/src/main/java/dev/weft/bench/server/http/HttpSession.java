package dev.weft.bench.server.http;

import java.nio.ByteBuffer;

/**
 * The protocol side of one plaintext HTTP/1.1 connection, independent of how bytes move: the
 * server reads into {@link #input()}, calls {@link #answer()}, writes out what
 * {@link #output()} holds, and closes once {@link #finished()} and the output is flushed.
 *
 * <p>Bounded memory: both buffers are fixed ({@link #IN_CAPACITY}, {@link #OUT_CAPACITY}).
 * {@link #answer()} stops while the output lacks room for one more response, so a client that
 * pipelines requests but does not read responses stalls itself instead of growing the
 * server. The input never fills with an unanswerable head, since a head longer than
 * {@link HttpRequestScanner#MAX_HEAD_BYTES} (half the input) is answered with 431 at once.
 *
 * <p>Pipelining: requests are answered in arrival order into one output buffer, so many
 * responses leave in one write.
 *
 * <p>Thread-safety: one thread at a time.
 */
public final class HttpSession {

    public static final int IN_CAPACITY = 2 * HttpRequestScanner.MAX_HEAD_BYTES;
    public static final int OUT_CAPACITY = 16 * 1024;

    private final ByteBuffer in = ByteBuffer.allocateDirect(IN_CAPACITY);
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_CAPACITY);
    private final HttpRequestScanner scanner = new HttpRequestScanner();
    private boolean finished;

    /** Where the server puts bytes it read (fill mode: append at the position). */
    public ByteBuffer input() {
        return in;
    }

    /**
     * Bytes to send, in fill mode: {@code [0, position)} are pending. A server writes them with
     * {@code flip(); write; compact()}.
     */
    public ByteBuffer output() {
        return out;
    }

    /**
     * Answers the complete requests buffered in {@link #input()}, in order, while the output
     * has room. Returns whether it answered anything.
     */
    public boolean answer() {
        boolean answered = false;
        in.flip();
        while (!finished && out.remaining() >= HttpResponses.MAX_LENGTH) {
            int r = scanner.next(in);
            if (r == HttpRequestScanner.NEED_MORE) {
                break;
            }
            answered = true;
            if (r == HttpRequestScanner.REQUEST) {
                HttpResponses.ok(out, !scanner.keepAlive(), scanner.http10());
                finished = !scanner.keepAlive();
            } else {
                HttpResponses.error(out, r);
                finished = true;
            }
        }
        in.compact();
        return answered;
    }

    /** No more requests will be answered: close once the output is flushed. */
    public boolean finished() {
        return finished;
    }

    /** Whether responses wait to be written. */
    public boolean hasOutput() {
        return out.position() > 0;
    }
}
