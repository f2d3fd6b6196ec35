package dev.weft.net;

import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.task.Poll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Run in a child JVM with a low fd limit by {@link TcpListenerTest}: accepts connections and
 * holds them open, so it runs out of descriptors. Commands on stdin, answers on stdout:
 * {@code count} answers {@code ACCEPTED n BACKOFFS m}; {@code release} closes every held
 * connection; {@code quit} exits.
 */
public final class FdExhaustionServer {
    private FdExhaustionServer() {
    }

    public static void main(String[] args) throws Exception {
        Queue<TcpStream> held = new ConcurrentLinkedQueue<>();
        long[] accepted = new long[1];
        // Classes here load from directories, one open() per class file, unlike a production jar
        // whose descriptor stays open: run the back-off path's machinery (the timer, the log
        // formatter's time-zone data) once before the limit bites.
        System.getLogger("warm-up").log(System.Logger.Level.INFO, "child server starting");
        try (Runtime warm = NetTesting.runtime(Backend.valueOf(args[0]), 1)) {
            warm.blockOn(dev.weft.time.Sleep.after(java.time.Duration.ofMillis(1)));
        }
        try (Runtime rt = NetTesting.runtime(Backend.valueOf(args[0]), 1);
             TcpListener listener = rt.blockOn(TcpListener.bind(new InetSocketAddress("127.0.0.1", 0),
                     ListenOptions.defaults().withBacklog(512)))) {
            dev.weft.task.JoinHandle<Void> acceptor = rt.spawn(cx -> {
                try {
                    TcpStream s;
                    while ((s = listener.pollAccept(cx)) != null) {
                        held.add(s);
                        synchronized (accepted) {
                            accepted[0]++;
                        }
                    }
                    return Poll.pending();
                } catch (ClosedChannelException e) {
                    return Poll.ready(null);
                }
            });
            System.out.println("PORT " + listener.localAddress().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line) {
                    case "count" -> {
                        if (acceptor.isDone()) {
                            System.out.println("DEAD " + acceptor.toCompletableFuture().handle((v, e) -> String.valueOf(e)).join());
                            break;
                        }
                        synchronized (accepted) {
                            System.out.println("ACCEPTED " + accepted[0] + " BACKOFFS " + listener.acceptBackoffs());
                        }
                    }
                    case "release" -> {
                        int n = 0;
                        for (TcpStream s; (s = held.poll()) != null; n++) {
                            s.close();
                        }
                        System.out.println("RELEASED " + n);
                    }
                    case "quit" -> {
                        for (TcpStream s; (s = held.poll()) != null; ) {
                            s.close();
                        }
                        System.out.println("BYE");
                        return;
                    }
                    default -> System.out.println("UNKNOWN " + line);
                }
                System.out.flush();
            }
        }
    }
}
