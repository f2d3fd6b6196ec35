package dev.weft.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The plain JDK NIO peer: the classic reactor layout a Java developer writes without a
 * framework. N event-loop threads each own a {@link Selector}; loop 0 also owns the
 * {@link ServerSocketChannel} and deals accepted connections out round-robin, handing each to
 * its loop through a queue plus {@code Selector.wakeup()} (a channel is registered by the
 * thread that selects on it, which avoids {@code register} blocking against {@code select}).
 *
 * <p>Each connection is a {@link Handler} attached to its key: the loop calls it when the key
 * is ready and the handler reads, writes and sets its own interest ops.
 *
 * <p>Thread-safety: a handler runs only on its loop's thread.
 */
public final class NioServer implements BenchServer {

    /** One connection's protocol on NIO. */
    public interface Handler {
        /** The key is ready (see {@code key.readyOps()}). Throwing closes the connection. */
        void ready(SelectionKey key) throws IOException;
    }

    private final Loop[] loops;
    private final ServerSocketChannel server;
    private int nextLoop;
    private volatile boolean closed;

    private NioServer(int port, int workers, Supplier<Handler> handlers) throws IOException {
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        server.configureBlocking(false);
        loops = new Loop[workers];
        for (int i = 0; i < workers; i++) {
            loops[i] = new Loop("nio-loop-" + i, handlers);
        }
        server.register(loops[0].selector, SelectionKey.OP_ACCEPT);
    }

    /** Binds 127.0.0.1:{@code port} and starts the loops (daemon threads). */
    public static NioServer start(ServerArgs args, Supplier<Handler> handlers) throws IOException {
        NioServer s = new NioServer(args.port(), args.workers(), handlers);
        for (Loop loop : s.loops) {
            loop.setDaemon(true);
            loop.start();
        }
        return s;
    }

    @Override
    public int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public void close() {
        closed = true;
        for (Loop loop : loops) {
            loop.selector.wakeup();
        }
        for (Loop loop : loops) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping " + loop.getName(), e);
            }
        }
    }

    private void acceptAll() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Loop target = loops[nextLoop];
            nextLoop = (nextLoop + 1) % loops.length;
            target.incoming.add(ch);
            if (target != loops[0]) {
                target.selector.wakeup();
            }
        }
    }

    private final class Loop extends Thread {
        final Selector selector;
        final Queue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
        final Supplier<Handler> handlers;

        Loop(String name, Supplier<Handler> handlers) throws IOException {
            super(name);
            this.selector = Selector.open();
            this.handlers = handlers;
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    selector.select();
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        if (key.channel() == server) {
                            acceptAll();
                        } else {
                            serveKey(key);
                        }
                    }
                    SocketChannel ch;
                    while ((ch = incoming.poll()) != null) {
                        ch.register(selector, SelectionKey.OP_READ, handlers.get());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(getName() + " failed", e);
            } finally {
                release();
            }
        }

        /** Closes this loop's connections, its selector, and (loop 0) the listening socket. */
        private void release() {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            SocketChannel ch;
            while ((ch = incoming.poll()) != null) {
                closeQuietly(ch);
            }
            closeQuietly(selector);
        }

        private void serveKey(SelectionKey key) {
            try {
                ((Handler) key.attachment()).ready(key);
            } catch (IOException e) {
                closeQuietly(key); // a reset peer or a protocol error ends this connection only
            }
        }
    }

    /** Cancels the key and closes its channel; a close error on a dead connection is moot. */
    public static void closeQuietly(SelectionKey key) {
        key.cancel();
        closeQuietly(key.channel());
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // The resource is being dropped; there is nobody left to tell.
        }
    }

    /** Sets the interest ops only when they change (each change is an epoll_ctl). */
    public static void interest(SelectionKey key, int ops) {
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }
}
