package dev.weft.io;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.sys.Posix;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;

/**
 * A connected pair of non-blocking loopback TCP sockets made with one binding, driven by one
 * poller: {@code client} connected to {@code server} (the accepted end). Closing it closes
 * both registrations and all three descriptors.
 */
final class Loopback implements AutoCloseable {
    static final long WAIT_LIMIT_NANOS = 10_000_000_000L;

    final EpollPoller poller;
    final Posix posix;
    final int listener;
    final int client;
    final int server;
    final Registration clientReg;
    final Registration serverReg;
    private boolean clientClosed;
    private boolean serverClosed;

    Loopback(EpollPoller poller) throws IOException {
        this.poller = poller;
        this.posix = poller.posix();
        listener = posix.openStream(StandardProtocolFamily.INET);
        posix.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        posix.listen(listener, 16);
        client = posix.openStream(StandardProtocolFamily.INET);
        clientReg = poller.register(client);
        posix.connect(client, posix.localAddress(listener));
        int accepted = Posix.WOULD_BLOCK;
        long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
        while ((accepted = posix.accept(listener)) == Posix.WOULD_BLOCK) {
            if (System.nanoTime() > deadline) {
                fail("no connection to accept within the limit");
            }
            Thread.onSpinWait();
        }
        server = accepted;
        assertNotEquals(client, server);
        serverReg = poller.register(server);
        awaitWritable(clientReg);
        posix.finishConnect(client);
    }

    /** Polls until the registration reports readable; returns the tick. */
    long awaitReadable(Registration r) throws IOException {
        return await(r, true);
    }

    long awaitWritable(Registration r) throws IOException {
        return await(r, false);
    }

    private long await(Registration r, boolean read) throws IOException {
        CountingWaker w = new CountingWaker();
        long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
        while (true) {
            long tick = read ? r.pollReadReady(w.cx) : r.pollWriteReady(w.cx);
            if (tick != Registration.NOT_READY) {
                return tick;
            }
            if (System.nanoTime() > deadline) {
                fail((read ? "readable" : "writable") + " never came for " + r);
            }
            poller.poll(50_000_000L);
        }
    }

    /** Closes the client end now (registration first); {@link #close()} then leaves it alone. */
    void closeClient() throws IOException {
        clientReg.close();
        clientClosed = true;
        posix.close(client);
    }

    /** Closes the server end now (registration first); {@link #close()} then leaves it alone. */
    void closeServer() throws IOException {
        serverReg.close();
        serverClosed = true;
        posix.close(server);
    }

    @Override
    public void close() throws IOException {
        clientReg.close();
        serverReg.close();
        if (!clientClosed) {
            posix.close(client);
        }
        if (!serverClosed) {
            posix.close(server);
        }
        posix.close(listener);
    }
}
