package dev.weft.io;

import dev.weft.sys.Posix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The portable poller, over a {@link java.nio.channels.Selector}: it parks and wakes a worker,
 * serves timers, and carries sockets as java.nio channels ({@link #register(SelectableChannel)})
 * on any platform. It registers no raw descriptors and has no native binding. It is not the
 * fast path: a selector is level-triggered, and {@link ChannelKey} emulates the edge-triggered
 * readiness of {@link Registration} by taking a direction out of the interest set when it fires
 * and putting it back when a task clears it.
 *
 * <p><b>Waiting.</b> One select per poll, with an action per ready key instead of the
 * selected-key set (no iterator, no set to clear). At most {@value #MAX_EVENTS} keys are handled
 * per poll, as epoll decodes at most that many events per wait: a key passed over keeps its
 * interest, so the next select reports it again. Wake-ups go through a {@link WakeupLatch}, so
 * {@link #wakeup()} calls {@code Selector.wakeup()} only while the owner is blocked in a select,
 * and interest changes made by other threads interrupt a blocked select the same way.
 *
 * <p>Thread-safety: as {@link Poller}; {@link #register(SelectableChannel)} and
 * {@link Registration#close()} may be called from any thread.
 */
public final class NioPoller implements Poller {
    /** Keys handled per poll; the same bound, and the same reason, as epoll's events per wait. */
    static final int MAX_EVENTS = EpollPoller.DEFAULT_MAX_EVENTS;

    private final Selector selector;
    private final WakeupLatch latch = new WakeupLatch();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    /** Keys handled by the poll in progress (the polling thread's alone). */
    private int handled;

    private final Object registerLock = new Object();
    private long serials;
    private volatile boolean closed;

    public NioPoller() {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a java.nio Selector", e);
        }
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        handled = 0;
        if (timeoutNanos == 0 || !latch.beginPark()) {
            selector.selectNow(dispatch);
            return handled;
        }
        try {
            // Milliseconds rounded up, as epoll's; select(action, 0) means "forever".
            int millis = EpollPoller.toMillis(timeoutNanos);
            selector.select(dispatch, millis < 0 ? 0L : millis);
        } finally {
            latch.endPark();
        }
        return handled;
    }

    private void dispatch(SelectionKey key) {
        if (handled == MAX_EVENTS) {
            return; // still watched: the next select reports it again
        }
        handled++;
        ((ChannelKey) key.attachment()).onSelected(key.readyOps());
    }

    @Override
    public void wakeup() {
        if (latch.notifyParker()) {
            selector.wakeup();
        }
    }

    /** Interrupts a select in progress so that it applies a changed interest set; free otherwise. */
    void interruptIfParked() {
        if (latch.interruptIfParked()) {
            selector.wakeup();
        }
    }

    /** Whether the owner is parked in a select now (for tests). */
    boolean isParked() {
        return latch.isParked();
    }

    @Override
    public Registration register(SelectableChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("channel " + channel + " is in blocking mode; a poller needs a non-blocking one");
        }
        ChannelKey k;
        synchronized (registerLock) {
            if (closed) {
                throw new ClosedChannelException();
            }
            SelectionKey key = channel.register(selector, 0);
            k = new ChannelKey(this, key, ++serials);
            key.attach(k);
            k.armAll();
        }
        interruptIfParked();
        return k.registration();
    }

    @Override
    public Registration register(int fd) {
        throw new UnsupportedOperationException("the NIO poller watches java.nio channels, not raw fd " + fd
                + ": raw descriptors need an epoll backend (EPOLL_JNI or EPOLL_JNR)");
    }

    @Override
    public Posix posix() {
        throw new UnsupportedOperationException("the NIO poller has no native syscall binding:"
                + " it carries sockets as java.nio channels; raw syscalls need an epoll backend (EPOLL_JNI or EPOLL_JNR)");
    }

    @Override
    public String backendName() {
        return "nio";
    }

    /** Registrations currently watched (for tests and metrics). */
    public int registrations() {
        return (int) selector.keys().stream().filter(SelectionKey::isValid).count();
    }

    /**
     * Closes every registration still open (waking their tasks, which then see
     * {@link Registration#CLOSED}), then the selector. The channels stay open: their owners
     * close them (the JDK closes the descriptor of one closed meanwhile as the selector closes).
     */
    @Override
    public void close() {
        synchronized (registerLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            for (SelectionKey key : selector.keys()) {
                ((ChannelKey) key.attachment()).registration().close();
            }
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the NIO selector failed", e);
            }
        }
    }
}
