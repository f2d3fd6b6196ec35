package dev.weft.bench.server;

import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.net.ListenOptions;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpStream;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.function.Function;

/**
 * Starts a Weft server: a runtime of WORKERS workers on the chosen backend, one listener per
 * worker on the same port ({@code SO_REUSEPORT}, {@link TcpListener#servePerWorker}), and on each
 * worker an allocation-free accept loop that spawns one task per connection.
 */
final class WeftServer implements BenchServer {
    private final Runtime runtime;
    private final List<TcpListener> listeners;

    private WeftServer(Runtime runtime, List<TcpListener> listeners) {
        this.runtime = runtime;
        this.listeners = listeners;
    }

    /** Starts serving each accepted connection with {@code connection}. */
    static BenchServer start(ServerArgs args, Function<TcpStream, Async<Void>> connection) {
        Backend backend;
        try {
            backend = Backend.valueOf(args.backend());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown backend '" + args.backend() + "' (AUTO, EPOLL_JNI, EPOLL_JNR, NIO)", e);
        }
        Runtime rt = Runtime.builder().workers(args.workers()).backend(backend).threadNamePrefix("weft-server-").build();
        try {
            List<TcpListener> listeners = rt.blockOn(TcpListener.servePerWorker(
                    new InetSocketAddress("127.0.0.1", args.port()), ListenOptions.defaults(),
                    listener -> new AcceptLoop(listener, connection)));
            return new WeftServer(rt, listeners);
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    @Override
    public int port() {
        return listeners.get(0).localAddress().getPort();
    }

    @Override
    public void close() {
        for (TcpListener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("closing " + l, e);
            }
        }
        runtime.close();
    }

    /** Accepts until the listener closes, spawning one task per connection on this worker. */
    private static final class AcceptLoop implements Async<Void> {
        private final TcpListener listener;
        private final Function<TcpStream, Async<Void>> connection;

        AcceptLoop(TcpListener listener, Function<TcpStream, Async<Void>> connection) {
            this.listener = listener;
            this.connection = connection;
        }

        @Override
        public Poll<Void> poll(Context cx) throws IOException {
            try {
                TcpStream s;
                while ((s = listener.pollAccept(cx)) != null) {
                    Weft.spawn(connection.apply(s));
                }
                return Poll.pending();
            } catch (ClosedChannelException closed) {
                return Poll.ready(null); // the server is stopping
            }
        }
    }

    /** Closes a connection whose task is ending; a failing close of a dead connection is moot. */
    static void closeQuietly(TcpStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // The connection is gone either way; there is nobody to report to.
        }
    }
}
