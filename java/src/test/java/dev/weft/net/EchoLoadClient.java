package dev.weft.net;

import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Run in a child JVM by {@link ManyConnectionsTest} (so each side has its own fd limit): opens N
 * connections to an echo server, waits until all are open, then each sends B bytes of seeded
 * random data while reading the echo, half-closes, reads to end of stream and compares length
 * and CRC-32. Prints {@code DONE ok=.. failed=.. bytes=.. error=..}.
 */
public final class EchoLoadClient {
    private EchoLoadClient() {
    }

    public static void main(String[] args) throws Exception {
        Backend backend = Backend.valueOf(args[0]);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        int connections = Integer.parseInt(args[2]);
        int bytes = Integer.parseInt(args[3]);
        CompletableFuture<Void> allOpen = new CompletableFuture<>();
        AtomicLong open = new AtomicLong();
        AtomicLong echoed = new AtomicLong();
        List<JoinHandle<Void>> tasks = new ArrayList<>();
        try (Runtime rt = NetTesting.runtime(backend, 2)) {
            for (int i = 0; i < connections; i++) {
                long seed = 0x9E3779B97F4A7C15L * (i + 1);
                tasks.add(rt.spawn(TcpStream.connect(server).flatMap(s -> {
                    if (open.incrementAndGet() == connections) {
                        allOpen.complete(null);
                    }
                    return Async.from(allOpen).flatMap(v -> new Transfer(s, bytes, seed, echoed));
                })));
            }
            int ok = 0;
            String firstError = "none";
            for (JoinHandle<Void> t : tasks) {
                try {
                    t.join(java.time.Duration.ofSeconds(120));
                    ok++;
                } catch (Exception e) {
                    if (firstError.equals("none")) {
                        firstError = String.valueOf(e.getCause() != null ? e.getCause() : e).replace(' ', '_');
                    }
                }
            }
            System.out.println("DONE ok=" + ok + " failed=" + (connections - ok) + " bytes=" + echoed.get() + " error=" + firstError);
        }
    }

    /** Sends and checks one connection's data; both directions progress in one poll. */
    private static final class Transfer implements Async<Void> {
        private final TcpStream s;
        private final int total;
        private final SplittableRandom random;
        private final AtomicLong echoed;
        private final ByteBuffer out = ByteBuffer.allocateDirect(4096).limit(0);
        private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
        private final CRC32 sentCrc = new CRC32();
        private final CRC32 receivedCrc = new CRC32();
        private long sent;
        private long received;
        private boolean shut;

        Transfer(TcpStream s, int total, long seed, AtomicLong echoed) {
            this.s = s;
            this.total = total;
            this.random = new SplittableRandom(seed);
            this.echoed = echoed;
        }

        @Override
        public Poll<Void> poll(Context cx) throws IOException {
            while (true) {
                boolean progress = false;
                if (!out.hasRemaining() && sent < total) {
                    out.clear().limit((int) Math.min(out.capacity(), total - sent));
                    while (out.remaining() >= 8) {
                        out.putLong(random.nextLong());
                    }
                    while (out.hasRemaining()) {
                        out.put((byte) random.nextInt());
                    }
                    out.flip();
                    sentCrc.update(out.duplicate());
                }
                if (out.hasRemaining()) {
                    int w = s.pollWrite(cx, out);
                    if (w > 0) {
                        sent += w;
                        progress = true;
                    }
                } else if (!shut && sent == total) {
                    s.shutdownOutput();
                    shut = true;
                }
                in.clear();
                int r = s.pollRead(cx, in);
                if (r > 0) {
                    in.flip();
                    receivedCrc.update(in);
                    received += r;
                    progress = true;
                } else if (r == TcpStream.EOF) {
                    s.close();
                    if (received != total || receivedCrc.getValue() != sentCrc.getValue()) {
                        throw new IOException("echo mismatch: sent " + total + " bytes (crc " + sentCrc.getValue()
                                + "), got " + received + " (crc " + receivedCrc.getValue() + ")");
                    }
                    echoed.addAndGet(received);
                    return Poll.ready(null);
                }
                if (!progress) {
                    return Poll.pending();
                }
            }
        }

        @Override
        public void cancel() {
            try {
                s.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
