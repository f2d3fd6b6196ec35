package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

/**
 * Linearizability of the channel and semaphore state machines, model-checked by Lincheck against
 * plain sequential specifications. The operations are the non-waiting ones (try*, close,
 * release), which exercise the same CAS protocols the waiting ones use; receiving is one party
 * at a time (a non-parallel group), as the channels require.
 *
 * Configurations are deliberately tiny (2 threads, few actors, few invocations): Lincheck is
 * slow on this machine, and the interleavings that matter here need only two racing parties.
 */
class SyncLincheckTest {

    private static ModelCheckingOptions options(Class<?> spec) {
        return new ModelCheckingOptions()
                .iterations(10)
                .invocationsPerIteration(400)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(spec);
    }

    // ---- Mpsc, unbounded ----

    @Param(name = "msg", gen = IntGen.class, conf = "1:4")
    public static class UnboundedMpsc {
        private final Mpsc<Integer> ch = Mpsc.unbounded();

        @Operation
        public boolean trySend(@Param(name = "msg") int m) {
            return ch.trySend(m);
        }

        @Operation(nonParallelGroup = "receiver")
        public Integer tryRecv() {
            return ch.tryRecv();
        }

        @Operation
        public void close() {
            ch.close();
        }
    }

    /** A FIFO with an optional bound and a closed flag. */
    public static class ChannelSpec {
        private final ArrayDeque<Integer> q = new ArrayDeque<>();
        private final int capacity;
        private boolean closed;

        public ChannelSpec() {
            this(Integer.MAX_VALUE);
        }

        ChannelSpec(int capacity) {
            this.capacity = capacity;
        }

        public boolean trySend(int m) {
            if (closed) {
                throw new ClosedException("channel closed");
            }
            if (q.size() == capacity) {
                return false;
            }
            q.add(m);
            return true;
        }

        public Integer tryRecv() {
            return q.poll();
        }

        public void close() {
            closed = true;
        }
    }

    @Test
    void unboundedMpscIsLinearizable() {
        options(ChannelSpec.class).check(UnboundedMpsc.class);
    }

    // ---- Mpsc, bounded ----

    @Param(name = "msg", gen = IntGen.class, conf = "1:4")
    public static class BoundedMpsc {
        private final Mpsc<Integer> ch = Mpsc.bounded(2);

        @Operation
        public boolean trySend(@Param(name = "msg") int m) {
            return ch.trySend(m);
        }

        @Operation(nonParallelGroup = "receiver")
        public Integer tryRecv() {
            return ch.tryRecv();
        }

        @Operation
        public void close() {
            ch.close();
        }
    }

    public static class BoundedChannelSpec extends ChannelSpec {
        public BoundedChannelSpec() {
            super(2);
        }
    }

    @Test
    void boundedMpscIsLinearizable() {
        options(BoundedChannelSpec.class).check(BoundedMpsc.class);
    }

    // ---- Semaphore ----

    @Param(name = "n", gen = IntGen.class, conf = "1:2")
    public static class SemaphoreOps {
        private final Semaphore s = new Semaphore(2);

        @Operation
        public boolean tryAcquire(@Param(name = "n") int n) {
            return s.tryAcquire(n);
        }

        @Operation
        public void release(@Param(name = "n") int n) {
            s.release(n);
        }

        @Operation
        public int availablePermits() {
            return s.availablePermits();
        }

        @Operation
        public void close() {
            s.close();
        }
    }

    public static class SemaphoreSpec {
        private int permits = 2;
        private boolean closed;

        public boolean tryAcquire(int n) {
            if (closed) {
                throw new ClosedException("semaphore closed");
            }
            if (permits < n) {
                return false;
            }
            permits -= n;
            return true;
        }

        public void release(int n) {
            permits += n;
        }

        public int availablePermits() {
            return permits;
        }

        public void close() {
            closed = true;
        }
    }

    @Test
    void semaphoreIsLinearizable() {
        options(SemaphoreSpec.class).check(SemaphoreOps.class);
    }

    // ---- Oneshot ----

    @Param(name = "v", gen = IntGen.class, conf = "1:3")
    public static class OneshotOps {
        private final Oneshot<Integer> ch = new Oneshot<>();

        @Operation(nonParallelGroup = "sender")
        public boolean send(@Param(name = "v") int v) {
            return ch.send(v);
        }

        @Operation(nonParallelGroup = "sender")
        public void closeSender() {
            ch.closeSender();
        }

        @Operation(nonParallelGroup = "receiver")
        public Integer tryRecv() {
            return ch.tryRecv();
        }

        @Operation(nonParallelGroup = "receiver")
        public void closeReceiver() {
            ch.closeReceiver();
        }
    }

    public static class OneshotSpec {
        private Integer value;
        private boolean complete;
        private boolean rxClosed;
        private boolean received;

        public boolean send(int v) {
            if (complete) {
                throw new IllegalStateException("oneshot already completed by its sender");
            }
            if (rxClosed) {
                return false;
            }
            complete = true;
            value = v;
            return true;
        }

        public void closeSender() {
            complete = true;
        }

        public Integer tryRecv() {
            if (received || rxClosed) {
                throw new IllegalStateException("oneshot receiver already completed or closed");
            }
            if (!complete) {
                return null;
            }
            received = true;
            if (value == null) {
                throw new ClosedException("oneshot sender closed without a value");
            }
            return value;
        }

        public void closeReceiver() {
            rxClosed = true;
        }
    }

    @Test
    void oneshotIsLinearizable() {
        options(OneshotSpec.class).check(OneshotOps.class);
    }
}
