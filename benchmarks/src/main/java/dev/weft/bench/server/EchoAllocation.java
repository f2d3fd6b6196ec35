package dev.weft.bench.server;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the bytes a Weft echo server's worker threads allocate per round trip, with the
 * JVM's per-thread allocation counters ({@code com.sun.management.ThreadMXBean}), which count
 * every TLAB and outside-TLAB allocation of a thread.
 *
 * <p>The server runs in this JVM (one worker); a client on another thread of this JVM keeps
 * CONNS connections busy with 64-byte round trips through one NIO selector. After a warm-up
 * (so JIT compilation settles), the worker threads' allocated bytes are read before and after
 * ROUND_TRIPS round trips; only the server's threads are counted, never the client's.
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.EchoAllocation [state-machine|combinators] [CONNS] [ROUND_TRIPS] [--backend B]}
 * Prints {@code ALLOCATION server=.. round_trips=.. bytes=.. bytes_per_round_trip=..}.
 */
public final class EchoAllocation {
    private EchoAllocation() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "state-machine";
        int conns = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        long roundTrips = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000;
        String backend = args.length > 4 && args[3].equals("--backend") ? args[4] : "EPOLL_JNI";
        ServerArgs sa = new ServerArgs(0, 1, backend);
        BenchServer server = switch (kind) {
            case "state-machine" -> WeftEchoServer.start(sa);
            case "combinators" -> WeftAsyncEchoServer.start(sa);
            default -> throw new IllegalArgumentException("unknown server kind '" + kind + "' (state-machine or combinators)");
        };
        try (server) {
            Client client = new Client(new InetSocketAddress("127.0.0.1", server.port()), conns);
            client.run(roundTrips / 2); // warm-up
            long[] ids = serverThreads();
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = sum(mx.getThreadAllocatedBytes(ids));
            long done = client.run(roundTrips);
            long after = sum(mx.getThreadAllocatedBytes(ids));
            System.out.printf("ALLOCATION server=%s backend=%s conns=%d round_trips=%d bytes=%d bytes_per_round_trip=%.4f%n",
                    kind, backend, conns, done, after - before, (after - before) / (double) done);
            client.close();
        }
    }

    private static long[] serverThreads() {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("weft-server-")) {
                ids.add(t.getId());
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalStateException("no weft-server-* worker threads found");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    /** A closed-loop echo client: each connection sends 64 bytes and waits for all of them back. */
    private static final class Client implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final List<SocketChannel> channels = new ArrayList<>();

        Client(InetSocketAddress server, int conns) throws Exception {
            for (int i = 0; i < conns; i++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(64));
                channels.add(ch);
            }
        }

        /** Runs until {@code roundTrips} round trips completed; returns how many did. */
        long run(long roundTrips) throws Exception {
            ByteBuffer msg = ByteBuffer.allocateDirect(64);
            for (SocketChannel ch : channels) {
                ch.write(msg.clear());
            }
            long done = 0;
            long inFlight = channels.size();
            while (inFlight > 0) {
                selector.select();
                for (SelectionKey k : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) k.channel();
                    ByteBuffer in = (ByteBuffer) k.attachment();
                    if (ch.read(in) < 0) {
                        throw new IllegalStateException("server closed a connection");
                    }
                    if (!in.hasRemaining()) {
                        in.clear();
                        done++;
                        if (done + inFlight - 1 < roundTrips) { // this connection's next message is still wanted
                            ch.write(msg.clear());
                        } else {
                            inFlight--;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            return done;
        }

        @Override
        public void close() throws Exception {
            for (SocketChannel ch : channels) {
                ch.close();
            }
            selector.close();
        }
    }
}
