package dev.weft.net;

import dev.weft.io.Poller;
import dev.weft.scheduler.Worker;
import dev.weft.sys.SyscallException;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.time.Sleep;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A listening TCP socket on a worker's poller.
 *
 * <p>{@link #accept()} is the ordinary way; {@link #pollAccept(Context)} serves hand-written
 * accept loops without allocating anything but the accepted {@link TcpStream}. Each accepted
 * stream has {@code TCP_NODELAY} on and is registered with the poller of the worker that
 * accepted it.
 *
 * <p><b>Running out of descriptors.</b> When {@code accept} fails with {@code EMFILE} or
 * {@code ENFILE} (or the kernel is out of buffers), the pending connection stays in the
 * backlog and the listener stays readable, so retrying at once would spin. Instead the
 * listener backs off on a timer (10 ms, doubling up to 1 s, reset by the next success), logs
 * the first exhaustion once, and then accepts again: connections resume as soon as
 * descriptors are freed. Meanwhile the accepting task sleeps; nothing busy-waits.
 *
 * <p><b>One listener per worker.</b> With {@link ListenOptions#withReusePort(boolean)} several
 * listeners bind the same port and the kernel spreads new connections across them; a server
 * binds one per worker, each from a task on that worker, so each worker accepts and serves its
 * own share without handing connections across threads.
 *
 * <p>Thread-safety: one task accepts at a time; {@link #close()} from anywhere wakes it with
 * {@link java.nio.channels.ClosedChannelException}.
 */
public final class TcpListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpListener.class.getName());
    static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final IoSource source;
    private final InetSocketAddress localAddress;
    private Async<Void> backoff;
    private Duration nextBackoff = FIRST_BACKOFF;
    private boolean warned;
    private volatile long backoffs;

    private TcpListener(IoSource source, InetSocketAddress localAddress) {
        this.source = source;
        this.localAddress = localAddress;
    }

    /** Binds with {@link ListenOptions#defaults()}. */
    public static Async<TcpListener> bind(SocketAddress address) {
        return bind(address, ListenOptions.defaults());
    }

    /**
     * Binds and listens on {@code address} (port 0 picks a free one; see
     * {@link #localAddress()}). Must be polled by a Weft task: the listener registers with that
     * task's worker.
     */
    public static Async<TcpListener> bind(SocketAddress address, ListenOptions options) {
        InetSocketAddress inet = TcpStream.checkAddress(address);
        Objects.requireNonNull(options, "options");
        return cx -> Poll.ready(open(inet, options));
    }

    private static TcpListener open(InetSocketAddress address, ListenOptions options) throws IOException {
        Poller poller = IoSource.currentPoller("TcpListener.bind");
        IoSource source = IoSource.register(poller, Transport.listen(poller, address, options));
        try {
            return new TcpListener(source, source.localAddress());
        } catch (IOException | RuntimeException e) {
            source.closeAfterFailure(e);
            throw e;
        }
    }

    /**
     * Reuse-port mode: binds one listener per worker of the current runtime on the same
     * {@code address} (with {@code SO_REUSEPORT}; port 0 picks one port for all), each bound and
     * registered on its own worker's thread, and spawns {@code acceptLoop.apply(listener)} from
     * that worker so the loop starts in its local queue. The kernel then spreads connections
     * over the listeners, and each worker accepts and serves its share. Completes with the
     * listeners, in worker order. Must be polled by a Weft task.
     */
    public static Async<List<TcpListener>> servePerWorker(SocketAddress address, ListenOptions options,
                                                          Function<TcpListener, Async<Void>> acceptLoop) {
        InetSocketAddress inet = TcpStream.checkAddress(address);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(acceptLoop, "acceptLoop");
        ListenOptions shared = options.withReusePort(true);
        Async<Async<List<TcpListener>>> start = cx -> {
            Worker here = Worker.current();
            if (here == null) {
                throw new IllegalStateException("TcpListener.servePerWorker must run inside a Weft task");
            }
            List<Worker> workers = here.scheduler().workers();
            // The first bind fixes the port (port 0 resolves there); the others reuse it.
            CompletableFuture<List<TcpListener>> all = onOwner(workers.get(0), inet, shared, acceptLoop)
                    .thenCompose(first -> {
                        InetSocketAddress port = first.localAddress();
                        List<CompletableFuture<TcpListener>> rest = new ArrayList<>();
                        for (int i = 1; i < workers.size(); i++) {
                            rest.add(onOwner(workers.get(i), port, shared, acceptLoop));
                        }
                        return CompletableFuture.allOf(rest.toArray(new CompletableFuture<?>[0]))
                                .handle((v, failure) -> {
                                    List<TcpListener> listeners = new ArrayList<>();
                                    listeners.add(first);
                                    rest.stream().filter(f -> !f.isCompletedExceptionally()).forEach(f -> listeners.add(f.join()));
                                    if (failure != null) {
                                        listeners.forEach(TcpListener::closeAfterFailure);
                                        throw new CompletionException(failure);
                                    }
                                    return List.copyOf(listeners);
                                });
                    });
            return Poll.ready(Async.from(all));
        };
        return start.flatMap(a -> a);
    }

    /** Binds on {@code owner}'s thread and spawns the accept loop from there. */
    private static CompletableFuture<TcpListener> onOwner(Worker owner, InetSocketAddress address, ListenOptions options,
                                                         Function<TcpListener, Async<Void>> acceptLoop) {
        CompletableFuture<TcpListener> bound = new CompletableFuture<>();
        owner.runOnOwner(() -> {
            try {
                TcpListener l = open(address, options);
                owner.scheduler().spawn(acceptLoop.apply(l));
                bound.complete(l);
            } catch (IOException | RuntimeException e) {
                bound.completeExceptionally(e);
            }
        });
        return bound;
    }

    /** Closes a listener whose siblings failed to bind; a close failure has nowhere better to go. */
    private void closeAfterFailure() {
        try {
            close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + this + " after a failed reuse-port bind", e);
        }
    }

    /** Waits for the next connection. */
    public Async<TcpStream> accept() {
        return cx -> {
            TcpStream s = pollAccept(cx);
            return s == null ? Poll.pending() : Poll.ready(s);
        };
    }

    /**
     * Accepts one connection if one is waiting: the stream, or {@code null} when pending (the
     * task is woken when a connection arrives or a back-off ends).
     */
    public TcpStream pollAccept(Context cx) throws IOException {
        Poller poller = IoSource.currentPoller("TcpListener.accept"); // before accepting: nothing to leak if off a worker
        while (true) {
            if (backoff != null) {
                if (backoffPending(cx)) {
                    return null;
                }
                backoff = null;
            }
            Transport accepted;
            try {
                accepted = source.accept(cx);
            } catch (SyscallException e) {
                if (isExhaustion(e)) {
                    startBackoff(e);
                    continue;
                }
                if (e.errnoName().equals("ECONNABORTED")) {
                    continue; // the peer gave up while queued: not this listener's failure
                }
                throw e;
            }
            if (accepted == null) {
                return null;
            }
            nextBackoff = FIRST_BACKOFF;
            return TcpStream.open(poller, accepted);
        }
    }

    private boolean backoffPending(Context cx) throws IOException {
        try {
            return backoff.poll(cx).isPending();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the accept back-off of " + this + " failed", e);
        }
    }

    private static boolean isExhaustion(SyscallException e) {
        switch (e.errnoName()) {
            case "EMFILE":
            case "ENFILE":
            case "ENOBUFS":
            case "ENOMEM":
                return true;
            default:
                return false;
        }
    }

    private void startBackoff(SyscallException cause) {
        backoffs++;
        if (!warned) {
            warned = logExhaustion(cause);
        }
        backoff = Sleep.after(nextBackoff);
        Duration doubled = nextBackoff.multipliedBy(2);
        nextBackoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /**
     * Logs the first exhaustion; returns whether that worked. Logging may itself need a
     * descriptor (a formatter loading time-zone data, a handler opening a file), which is exactly
     * what is missing now: then the back-off goes on and the next one tries to log again.
     */
    private boolean logExhaustion(SyscallException cause) {
        try {
            LOG.log(System.Logger.Level.WARNING, "accept on " + localAddress + " failed (" + cause.getMessage()
                    + "); backing off " + nextBackoff.toMillis() + " ms and retrying, up to "
                    + MAX_BACKOFF.toMillis() + " ms between tries (logged once per listener)");
            return true;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (RuntimeException | Error loggingFailed) {
            return false;
        }
    }

    /** How many times accepting backed off for lack of descriptors or memory. */
    public long acceptBackoffs() {
        return backoffs;
    }

    /** The bound address (with the port the kernel picked for port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public boolean isOpen() {
        return source.isOpen();
    }

    /** Stops listening; a task waiting in accept is woken with a ClosedChannelException. Idempotent. */
    @Override
    public void close() throws IOException {
        source.close();
    }

    @Override
    public String toString() {
        return "TcpListener[" + localAddress + (source.isOpen() ? "" : ", closed") + "]";
    }
}
