package dev.weft.bench.server;

import java.util.concurrent.CountDownLatch;

/**
 * A started benchmark server: its port, and {@link #close()} to stop it and release every
 * descriptor it opened (tests start servers in-process and check nothing leaks).
 */
public interface BenchServer extends AutoCloseable {

    /** The TCP port it listens on (127.0.0.1). */
    int port();

    /** Stops accepting, closes every connection, and returns once its threads are done. */
    @Override
    void close();

    /** For {@code main}: prints the READY line and serves until the process is killed. */
    static void serveForever(String name, BenchServer server) throws InterruptedException {
        ServerArgs.announce(name, server.port());
        new CountDownLatch(1).await();
    }
}
