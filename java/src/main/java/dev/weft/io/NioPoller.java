package dev.weft.io;

import dev.weft.sys.Posix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * The portable fallback poller, over a {@link java.nio.channels.Selector}: it parks and wakes a
 * worker and serves timers on any platform. It is not the fast path, and it registers no raw
 * file descriptors; sockets need a native backend.
 *
 * <p>Wake-ups go through a {@link WakeupLatch}, so {@link #wakeup()} calls
 * {@code Selector.wakeup()} only while the owner is blocked in a select.
 */
public final class NioPoller implements Poller {
    private final Selector selector;
    private final WakeupLatch latch = new WakeupLatch();

    public NioPoller() {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a java.nio Selector", e);
        }
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        if (timeoutNanos == 0 || !latch.beginPark()) {
            selector.selectNow();
            return 0;
        }
        try {
            if (timeoutNanos < 0) {
                selector.select();
            } else {
                // select(0) means "forever"; a sub-millisecond wait rounds up to 1 ms.
                selector.select(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999L)));
            }
        } finally {
            latch.endPark();
        }
        return 0;
    }

    @Override
    public void wakeup() {
        if (latch.notifyParker()) {
            selector.wakeup();
        }
    }

    @Override
    public Registration register(int fd) {
        throw new UnsupportedOperationException("the NIO poller cannot register raw fd " + fd
                + ": native sockets need an epoll backend (EPOLL_JNI or EPOLL_JNR)");
    }

    @Override
    public Posix posix() {
        throw new UnsupportedOperationException("the NIO poller has no native syscall binding:"
                + " native sockets need an epoll backend (EPOLL_JNI or EPOLL_JNR)");
    }

    @Override
    public String backendName() {
        return "nio";
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the NIO selector failed", e);
        }
    }
}
