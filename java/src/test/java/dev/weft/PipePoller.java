package dev.weft;

import dev.weft.io.Poller;
import dev.weft.io.WakeupLatch;
import dev.weft.task.Waker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A test poller over a java.nio Selector that, unlike NioPoller, can register a channel (a pipe
 * end) with a waker: one-shot read interest, so a task can wait on a real descriptor of a given
 * worker's poller. Stands in for EpollPoller + eventfd in the poller-stealing test.
 */
final class PipePoller implements Poller {
    private final Selector selector;
    private final WakeupLatch latch = new WakeupLatch();

    PipePoller() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wakes {@code waker} once when {@code ch} is readable. */
    void registerRead(SelectableChannel ch, Waker waker) throws IOException {
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, waker);
        selector.wakeup(); // a select in progress picks up the new interest
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        if (timeoutNanos == 0 || !latch.beginPark()) {
            selector.selectNow();
        } else {
            try {
                if (timeoutNanos < 0) {
                    selector.select();
                } else {
                    selector.select(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999L)));
                }
            } finally {
                latch.endPark();
            }
        }
        int n = 0;
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            k.cancel(); // one-shot
            ((Waker) k.attachment()).wake();
            n++;
        }
        return n;
    }

    @Override
    public void wakeup() {
        if (latch.notifyParker()) {
            selector.wakeup();
        }
    }

    @Override
    public dev.weft.io.Registration register(int fd) {
        throw new UnsupportedOperationException("PipePoller watches java.nio channels only");
    }

    @Override
    public dev.weft.sys.Posix posix() {
        throw new UnsupportedOperationException("PipePoller has no native binding");
    }

    @Override
    public String backendName() {
        return "pipe-test";
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
