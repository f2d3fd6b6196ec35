package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sys.OpenDescriptors;
import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.Poll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Load on loopback: many concurrent echo connections, and many readers that never read. */
class ManyConnectionsTest {
    private static final int WANTED_CONNECTIONS = 10_000;
    private static final int BYTES_PER_CONNECTION = 64 * 1024;
    private static OpenDescriptors baseline;

    static List<Backend> backends() {
        return NetTesting.backends();
    }

    @BeforeAll
    static void warmUp() {
        baseline = NetTesting.warmUpAndCountFds();
    }

    @AfterAll
    static void noDescriptorLeaks() throws InterruptedException {
        OpenDescriptors.awaitNoLeakSince(baseline, "after ManyConnectionsTest");
    }

    /** This process's soft fd limit (the JVM raises it to the hard limit at start). */
    private static long fdLimit() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/self/limits");
    }

    /**
     * 10,000 concurrent connections (the server here, the clients in a child JVM so each side
     * has its own fd limit) each echo 64 KiB of random data, checked by length and CRC-32.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void tenThousandConcurrentConnectionsEchoEveryByte(Backend backend) throws Exception {
        long limit = fdLimit();
        int connections = (int) Math.min(WANTED_CONNECTIONS, limit - 512);
        if (connections < WANTED_CONNECTIONS) {
            System.err.println("ManyConnectionsTest: fd limit " + limit + " allows only " + connections
                    + " connections instead of " + WANTED_CONNECTIONS + " (raise `ulimit -Hn`)");
        }
        assertTrue(connections >= 100, "fd limit " + limit + " is too low for this test");
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT,
                     ListenOptions.defaults().withBacklog(4096)))) {
            rt.spawn(NetTesting.echoServer(listener));
            Process client = ChildJvm.start(EchoLoadClient.class, null, backend.name(),
                    String.valueOf(listener.localAddress().getPort()), String.valueOf(connections),
                    String.valueOf(BYTES_PER_CONNECTION));
            try {
                String result = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), "client did not finish");
                String err = new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("DONE ok=" + connections + " failed=0 bytes=" + (long) connections * BYTES_PER_CONNECTION
                        + " error=none", result, err);
            } finally {
                ChildJvm.stop(client);
            }
        }
    }

    /**
     * 1,000 peers that send but never read: the echo server stops reading each once its echo
     * cannot leave, so its memory stays at the per-connection buffers and does not grow.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void readersThatNeverReadDoNotMakeTheServerBufferWithoutBound(Backend backend) throws Exception {
        int peers = 1_000;
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        List<SocketChannel> clients = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT,
                     ListenOptions.defaults().withBacklog(2048)))) {
            rt.spawn(cx -> { // an echo server whose sockets keep small kernel buffers
                try {
                    TcpStream s;
                    while ((s = listener.pollAccept(cx)) != null) {
                        s.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024).setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
                        dev.weft.Weft.spawn(NetTesting.echo(s));
                        accepted.incrementAndGet();
                    }
                    return Poll.pending();
                } catch (ClosedChannelException e) {
                    return Poll.ready(null);
                }
            });
            long directBefore = direct.getMemoryUsed();
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            for (int i = 0; i < peers; i++) {
                SocketChannel c = SocketChannel.open();
                c.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
                c.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
                c.connect(listener.localAddress());
                c.configureBlocking(false);
                clients.add(c);
            }
            for (int i = 0; i < 200 && accepted.get() < peers; i++) {
                Thread.sleep(50);
            }
            assertEquals(peers, accepted.get(), "every peer accepted");
            long pushed = pushUntilStuck(clients, chunk);
            long directStalled = direct.getMemoryUsed();
            long heapStalled = usedHeapAfterGc();
            long more = pushUntilStuck(clients, chunk); // the server must not have made room by buffering
            Thread.sleep(500);
            more += pushUntilStuck(clients, chunk);
            long directLater = direct.getMemoryUsed();
            long heapLater = usedHeapAfterGc();
            assertTrue(pushed > 0);
            assertTrue(directStalled - directBefore <= peers * 64L * 1024,
                    "direct memory per stalled connection must stay bounded: " + (directStalled - directBefore) + " bytes for " + peers);
            assertTrue(directLater - directStalled <= 1024 * 1024, "direct memory grew by " + (directLater - directStalled));
            assertTrue(heapLater - heapStalled <= 16 * 1024 * 1024, "heap grew by " + (heapLater - heapStalled));
            assertTrue(more <= (long) peers * 64 * 1024, "the peers could push " + more + " more bytes after stalling");
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    /** Writes to every client until none accepts more (bounded at 1 MiB each); returns the bytes written. */
    private static long pushUntilStuck(List<SocketChannel> clients, ByteBuffer chunk) throws Exception {
        long total = 0;
        for (SocketChannel c : clients) {
            long mine = 0;
            while (mine < 1024 * 1024) {
                chunk.clear();
                int n = c.write(chunk);
                if (n == 0) {
                    break;
                }
                mine += n;
            }
            total += mine;
        }
        return total;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
