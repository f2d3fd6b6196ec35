package dev.weft.net;

import dev.weft.Backend;
import dev.weft.Runtime;
import dev.weft.sys.Bindings;
import dev.weft.sys.OpenDescriptors;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/** What the net tests share: the backends to run against, runtimes, the descriptor baseline, small async helpers. */
final class NetTesting {
    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private NetTesting() {
    }

    /**
     * Every backend that carries sockets: JNI epoll when the build made libweft, jnr epoll always,
     * and NIO (java.nio channels on a Selector) always.
     */
    static List<Backend> backends() {
        List<Backend> all = new ArrayList<>();
        if (Bindings.jniBuilt()) {
            all.add(Backend.EPOLL_JNI);
        }
        all.add(Backend.EPOLL_JNR);
        all.add(Backend.NIO);
        return all;
    }

    static Runtime runtime(Backend backend, int workers) {
        return Runtime.builder().backend(backend).workers(workers).threadNamePrefix("net-test-" + backend + "-").build();
    }

    /**
     * Opens what a test class's tests open lazily and keep for the process's life (the
     * bindings; the JDK's own pre-close socket, made on a first socket close since JDK 25), then
     * returns the descriptors to hold the class to.
     */
    static OpenDescriptors warmUpAndCountFds() {
        for (Backend b : backends()) {
            try (Runtime rt = runtime(b, 1)) {
                rt.blockOn(Async.ready(null));
            }
        }
        try {
            java.nio.channels.SocketChannel.open().close();
            new java.net.Socket().close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return OpenDescriptors.snapshot();
    }

    /** What {@code rt.blockOn} threw, unwrapped from its CompletionException. */
    static Throwable failureOf(Runtime rt, Async<?> async) {
        try {
            rt.blockOn(async);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + async + " to fail");
    }

    /** Reads exactly {@code dst.remaining()} bytes, failing on early end of stream. */
    static Async<Void> readFully(TcpStream s, ByteBuffer dst) {
        return cx -> {
            while (dst.hasRemaining()) {
                int n = s.pollRead(cx, dst);
                if (n == TcpStream.PENDING) {
                    return Poll.pending();
                }
                if (n == TcpStream.EOF) {
                    throw new IOException("end of stream with " + dst.remaining() + " bytes still expected");
                }
            }
            return Poll.ready(null);
        };
    }

    /** Reads until end of stream, collecting what came. */
    static Async<byte[]> readToEnd(TcpStream s) {
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        return (Context cx) -> {
            while (true) {
                chunk.clear();
                int n = s.pollRead(cx, chunk);
                if (n == TcpStream.PENDING) {
                    return Poll.pending();
                }
                if (n == TcpStream.EOF) {
                    return Poll.ready(all.toByteArray());
                }
                all.write(chunk.array(), 0, n);
            }
        };
    }

    /** An echo server task for one connection: echoes until end of stream, then closes (also when cancelled). */
    static Async<Void> echo(TcpStream s) {
        return new Echo(s);
    }

    private static final class Echo implements Async<Void> {
        private final TcpStream s;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);

        Echo(TcpStream s) {
            this.s = s;
        }

        @Override
        public Poll<Void> poll(Context cx) throws IOException {
            try {
                return echoSome(cx);
            } catch (IOException | RuntimeException e) {
                s.close(); // a reset peer ends this connection; its descriptor must not outlive it
                throw e;
            }
        }

        private Poll<Void> echoSome(Context cx) throws IOException {
            while (true) {
                if (buf.position() > 0) {
                    buf.flip();
                    int w = s.pollWrite(cx, buf);
                    buf.compact();
                    if (w == TcpStream.PENDING) {
                        return Poll.pending();
                    }
                    continue;
                }
                int r = s.pollRead(cx, buf);
                if (r == TcpStream.PENDING) {
                    return Poll.pending();
                }
                if (r == TcpStream.EOF) {
                    s.close();
                    return Poll.ready(null);
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

    /** Accepts forever, serving each connection with {@link #echo}; ends when the listener closes. */
    static Async<Void> echoServer(TcpListener listener) {
        return cx -> {
            try {
                TcpStream s;
                while ((s = listener.pollAccept(cx)) != null) {
                    dev.weft.Weft.spawn(echo(s));
                }
                return Poll.pending();
            } catch (java.nio.channels.ClosedChannelException e) {
                return Poll.ready(null);
            }
        };
    }
}
