package dev.weft;

import dev.weft.scheduler.Worker;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A worker blocked in user code must not stall the tasks waiting on its poller: an idle worker
 * polls the stalled poller and runs what it wakes.
 */
class PollerStealingTest {

    /** Reads one byte from a pipe, registering with the poller of the worker that polls it first. */
    static final class PipeReader implements Async<Byte> {
        final Pipe.SourceChannel source;
        final AtomicReference<Worker> registeredOn = new AtomicReference<>();
        final CountDownLatch registered = new CountDownLatch(1);
        volatile boolean blockerFinishedWhenRead = true;
        volatile Thread completedOn;
        AtomicBoolean blockerDone;

        PipeReader(Pipe.SourceChannel source, AtomicBoolean blockerDone) {
            this.source = source;
            this.blockerDone = blockerDone;
        }

        @Override
        public Poll<Byte> poll(Context cx) throws Exception {
            if (registeredOn.get() == null) {
                Worker w = Worker.current();
                source.configureBlocking(false);
                ((PipePoller) w.poller()).registerRead(source, cx.waker());
                registeredOn.set(w);
                registered.countDown();
                return Poll.pending();
            }
            ByteBuffer b = ByteBuffer.allocate(1);
            if (source.read(b) <= 0) {
                ((PipePoller) Worker.current().poller()).registerRead(source, cx.waker());
                return Poll.pending();
            }
            blockerFinishedWhenRead = blockerDone.get();
            completedOn = Thread.currentThread();
            return Poll.ready(b.get(0));
        }
    }

    @Test
    void anIdleWorkerServesThePollerOfAWorkerBlockedInUserCode() throws Exception {
        Pipe pipe = Pipe.open();
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-steal-test-")
                .pollers(PipePoller::new).pollerStealAfter(Duration.ofMillis(1)).build()) {
            AtomicBoolean blockerDone = new AtomicBoolean();
            PipeReader reader = new PipeReader(pipe.source(), blockerDone);
            JoinHandle<Byte> h = rt.spawn(reader);
            reader.registered.await();
            Worker owner = reader.registeredOn.get();

            // Block the owner in user code for 500 ms, then make the pipe readable.
            CountDownLatch blocking = new CountDownLatch(1);
            owner.runOnOwner(() -> {
                blocking.countDown();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                blockerDone.set(true);
            });
            blocking.await();
            pipe.sink().write(ByteBuffer.wrap(new byte[] {42}));

            assertEquals((byte) 42, h.join(Duration.ofSeconds(10)));
            assertFalse(reader.blockerFinishedWhenRead, "the read completed while the owner was still blocked");
            assertNotSame(owner, reader.completedOn, "another worker ran the woken task");
            assertTrue(rt.metrics().pollerSteals() > 0, "a poller steal was counted");
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
