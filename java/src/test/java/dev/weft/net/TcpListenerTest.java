package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.sys.OpenDescriptors;
import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.task.Async;
import dev.weft.task.JoinHandle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TcpListener behaviour on every socket-capable backend. */
class TcpListenerTest {
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
        OpenDescriptors.awaitNoLeakSince(baseline, "after TcpListenerTest");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reusePortModeGivesEachWorkerItsOwnListenerOnOnePort(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2)) {
            List<TcpListener> listeners = rt.blockOn(TcpListener.servePerWorker(NetTesting.LOOPBACK_ANY_PORT,
                    ListenOptions.defaults(), NetTesting::echoServer));
            try {
                assertEquals(2, listeners.size());
                int port = listeners.get(0).localAddress().getPort();
                assertEquals(port, listeners.get(1).localAddress().getPort());
                // Every connection is served, whichever listener the kernel hands it to.
                for (int i = 0; i < 20; i++) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.getOutputStream().write(i);
                        assertEquals(i, s.getInputStream().read());
                    }
                }
            } finally {
                for (TcpListener l : listeners) {
                    l.close();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void bindingAPortInUseFailsAndClosingWakesAPendingAccept(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 1)) {
            TcpListener first = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT));
            Throwable t = NetTesting.failureOf(rt, TcpListener.bind(first.localAddress(), ListenOptions.defaults().withReuseAddress(false)));
            assertInstanceOf(BindException.class, t);
            JoinHandle<TcpStream> accept = rt.spawn(first.accept());
            Thread.sleep(50); // let it park in accept; closing wakes it whether or not it got there first
            first.close();
            CompletionException e = assertThrows(CompletionException.class, () -> accept.join(Duration.ofSeconds(10)));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
        }
        assertThrows(IllegalArgumentException.class, () -> ListenOptions.defaults().withBacklog(0));
    }

    /**
     * A server run with a low fd limit: accept hits EMFILE, backs off on a timer instead of
     * spinning (few tries), logs once, and accepts the rest once descriptors are freed.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void acceptSurvivesRunningOutOfDescriptorsAndResumesWhenTheyAreFreed(Backend backend) throws Exception {
        int clients = 150;
        Process child = ChildJvm.start(FdExhaustionServer.class, 128, backend.name());
        List<Socket> sockets = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.US_ASCII);
            String first = out.readLine();
            if (first == null) {
                throw new AssertionError("the child exited: " + new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            int port = Integer.parseInt(first.substring("PORT ".length()));
            for (int i = 0; i < clients; i++) {
                sockets.add(new Socket("127.0.0.1", port)); // completes in the backlog even while not accepted
            }
            long[] stalled = waitFor(in, out, c -> c[1] >= 1, "accept to back off");
            assertTrue(stalled[0] < clients, "the fd limit must stop accepting first: " + stalled[0]);
            Thread.sleep(300);
            long[] still = ask(in, out);
            assertTrue(still[1] < 40, "backing off, not spinning: " + still[1] + " tries");
            in.println("release");
            assertTrue(out.readLine().startsWith("RELEASED"));
            long[] done = waitFor(in, out, c -> c[0] == clients, "every connection to be accepted after the release");
            assertEquals(clients, done[0]);
            in.println("quit");
            assertEquals("BYE", out.readLine());
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child did not exit");
            String log = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, log.split("backing off", -1).length - 1, "logged exactly once:\n" + log);
            assertTrue(log.contains("EMFILE"), log);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            ChildJvm.stop(child);
        }
    }

    private static long[] ask(PrintStream in, BufferedReader out) throws Exception {
        in.println("count");
        String[] parts = out.readLine().split(" ");
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[3])};
    }

    private static long[] waitFor(PrintStream in, BufferedReader out, java.util.function.Predicate<long[]> ok, String what) throws Exception {
        long[] c = ask(in, out);
        for (int i = 0; i < 300 && !ok.test(c); i++) {
            Thread.sleep(50);
            c = ask(in, out);
        }
        assertTrue(ok.test(c), "timed out waiting for " + what + ": accepted " + c[0] + ", back-offs " + c[1]);
        return c;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void acceptsManyConnectionsEachOnce(Backend backend) throws Exception {
        try (Runtime rt = NetTesting.runtime(backend, 2);
             TcpListener listener = rt.blockOn(TcpListener.bind(NetTesting.LOOPBACK_ANY_PORT))) {
            Set<Integer> ports = new HashSet<>();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    clients.add(new Socket("127.0.0.1", listener.localAddress().getPort()));
                }
                for (int i = 0; i < 50; i++) {
                    try (TcpStream s = rt.blockOn(listener.accept())) {
                        assertTrue(ports.add(s.peerAddress().getPort()), "accepted twice");
                        rt.blockOn(s.writeAll(ByteBuffer.wrap(new byte[] {1})));
                    }
                }
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
            assertEquals(50, ports.size());
            assertEquals(new InetSocketAddress("127.0.0.1", listener.localAddress().getPort()), listener.localAddress());
        }
    }
}
