package dev.weft.io;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One channel's key in a {@link NioPoller}'s selector, and the emulation of edge-triggering
 * that lets a level-triggered selector feed a {@link Registration}, whose readiness stays set
 * until a task proves it stale (see the tick rule there).
 *
 * <p><b>The problem.</b> A selector reports a ready channel on every select for as long as it
 * stays ready. A socket nobody drains at the moment (its reader waits for room to write, or
 * has not been polled yet) would make every select return at once: a worker that should park
 * would spin.
 *
 * <p><b>The emulation.</b> A direction is watched only while its readiness bit is clear:
 * <pre>
 *   select reports ops R on the key (the polling thread):
 *     1. interestOpsAnd(~R)              stop watching what fired
 *     2. registration.onReady(bits(R))   set the bits, bump the tick, wake the waiters
 *   a task's call finds the socket drained or full, and clearXReady(tick) clears the bit:
 *     3. interestOpsOr(ops(bit))         watch that direction again
 *     4. poller.interruptIfParked()      a select already blocked would miss step 3
 * </pre>
 * Invariant: for each direction, its bit is set, or its ops are in the interest set, except
 * transiently between 1 and 2 (2 then sets the bit) or between a clear and 3 (3 then re-arms).
 * Step 1 precedes 2, and 3 follows the clear, so whatever the interleaving of the poller and
 * the tasks, a ready socket is either marked ready (a task will try it) or watched (select will
 * report it): no readiness is lost. And a direction leaves the interest set when it fires and
 * returns only after a would-block or short call cleared it, so a select reports each
 * direction at most once per clear: nothing spins. A report can be stale (data already read
 * since); it costs the task one would-block call, which clears and re-arms.
 *
 * <p><b>Cross-thread re-arms (step 4).</b> The JDK applies interest changes when a select
 * starts; one blocked already keeps the old set. The change is queued before the latch is
 * read, so a select that starts after that read applies it, and one in progress is interrupted
 * by a single {@code Selector.wakeup()}: {@link WakeupLatch#interruptIfParked()} answers
 * {@code true} only while the owner is parked, so a re-arm by the owner's own tasks (the usual
 * case) costs no wake-up at all.
 *
 * <p><b>Which ops.</b> Read readiness is {@code OP_READ} (or {@code OP_ACCEPT} on a server
 * socket), write readiness {@code OP_WRITE}. A socket still connecting is watched for
 * {@code OP_CONNECT} only (the JDK reports nothing else until {@code finishConnect}, so any
 * other op would fire unreported and spin), and its firing sets both bits: the connect is
 * settled, and the reader's first call finds out whether data came too, re-arming
 * {@code OP_READ} as it clears. Errors and hang-ups come as every watched op at once.
 *
 * <p><b>Closing.</b> {@link #deregister(Registration)} cancels the key and interrupts a parked
 * select, which drops the key; the JDK closes a channel closed while registered only then, so
 * this keeps a closed socket's descriptor from lingering until the next unrelated event.
 *
 * <p>Thread-safety: {@link #onSelected(int)} is called by the polling thread; the other methods
 * from any thread. {@code interestOpsAnd}/{@code interestOpsOr} are atomic, so the poller's
 * clears and the tasks' sets of different bits never undo each other.
 */
final class ChannelKey implements Registration.Owner {
    private final NioPoller poller;
    private final SelectionKey key;
    private final Registration registration;
    /** {@code OP_READ} or {@code OP_ACCEPT}: what read readiness means for this channel. */
    private final int readOps;
    private final int writeOps;
    /** The channel if it is a TCP stream (which may still be connecting), else null. */
    private final SocketChannel stream;

    ChannelKey(NioPoller poller, SelectionKey key, long serial) {
        this.poller = poller;
        this.key = key;
        int valid = key.channel().validOps();
        this.readOps = valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        this.writeOps = valid & SelectionKey.OP_WRITE;
        this.stream = key.channel() instanceof SocketChannel s ? s : null;
        this.registration = new Registration(this, -1, serial, true);
    }

    Registration registration() {
        return registration;
    }

    /** Starts watching every direction (the first select reports what is ready already, like a first edge). */
    void armAll() {
        key.interestOps(interestFor(Registration.READABLE | Registration.WRITABLE));
    }

    /** The ops that watch the readiness {@code bits}: only {@code OP_CONNECT} while connecting. */
    private int interestFor(int bits) {
        if (stream != null && stream.isConnectionPending()) {
            return SelectionKey.OP_CONNECT;
        }
        return ((bits & Registration.READABLE) != 0 ? readOps : 0) | ((bits & Registration.WRITABLE) != 0 ? writeOps : 0);
    }

    /** Steps 1 and 2: the selector reported {@code readyOps}. */
    void onSelected(int readyOps) {
        try {
            key.interestOpsAnd(~readyOps);
        } catch (CancelledKeyException closed) {
            return; // closed meanwhile: its waiters were woken by the close
        }
        int bits = 0;
        if ((readyOps & readOps) != 0) {
            bits |= Registration.READABLE;
        }
        if ((readyOps & writeOps) != 0) {
            bits |= Registration.WRITABLE;
        }
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            bits |= Registration.READABLE | Registration.WRITABLE;
        }
        registration.onReady(bits);
    }

    /** Steps 3 and 4: a task cleared {@code bits}. */
    @Override
    public void rearm(Registration r, int bits) {
        try {
            int ops = interestFor(bits);
            if ((key.interestOps() & ops) != ops) {
                key.interestOpsOr(ops);
                poller.interruptIfParked();
            }
        } catch (CancelledKeyException closed) {
            // closed meanwhile: nothing left to watch
        }
    }

    @Override
    public void deregister(Registration r) {
        key.cancel();
        poller.interruptIfParked();
    }
}
