package dev.weft;

import dev.weft.io.Registration;
import dev.weft.scheduler.Worker;
import dev.weft.sys.Syscalls;
import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Poller stealing on the real backend: a task waits on an eventfd registered with its worker's
 * epoll poller; that worker then blocks 500 ms in user code; the eventfd is signalled; an idle
 * worker must poll the stalled poller and run the task before the owner comes back.
 */
class EpollPollerStealingTest {

    /** Waits for the eventfd it creates and registers with the poller of the worker that first polls it. */
    static final class EventfdWaiter implements Async<Long> {
        final CountDownLatch registered = new CountDownLatch(1);
        final AtomicBoolean blockerDone;
        volatile Worker owner;
        volatile Syscalls sys;
        volatile int efd = -1;
        volatile Registration reg;
        volatile boolean ownerStillBlocked;
        volatile Thread completedOn;

        EventfdWaiter(AtomicBoolean blockerDone) {
            this.blockerDone = blockerDone;
        }

        @Override
        public Poll<Long> poll(Context cx) throws Exception {
            if (reg == null) {
                Worker w = Worker.current();
                sys = w.poller().posix().syscalls();
                int fd = sys.eventfd(0, sys.abi().EFD_NONBLOCK | sys.abi().EFD_CLOEXEC);
                assertTrue(fd >= 0, "eventfd: " + fd);
                efd = fd;
                reg = w.poller().register(fd);
                owner = w;
            }
            long tick = reg.pollReadReady(cx);
            if (owner != null && registered.getCount() > 0) {
                registered.countDown();
            }
            if (tick == Registration.NOT_READY) {
                return Poll.pending();
            }
            long v = sys.eventfdRead(efd);
            if (v < 0) {
                reg.clearReadReady(tick);
                return Poll.pending();
            }
            ownerStillBlocked = !blockerDone.get();
            completedOn = Thread.currentThread();
            return Poll.ready(v);
        }
    }

    @Test
    void anIdleWorkerServesTheEpollPollerOfAWorkerBlockedInUserCode() throws Exception {
        try (Runtime rt = Runtime.builder().workers(2).threadNamePrefix("weft-epoll-steal-")
                .pollerStealAfter(Duration.ofMillis(1)).build()) {
            assumeTrue(rt.metrics().backend().startsWith("epoll"), "needs an epoll backend, have " + rt.backend());
            AtomicBoolean blockerDone = new AtomicBoolean();
            EventfdWaiter waiter = new EventfdWaiter(blockerDone);
            JoinHandle<Long> h = rt.spawn(waiter);
            waiter.registered.await();
            try {
                CountDownLatch blocking = new CountDownLatch(1);
                waiter.owner.runOnOwner(() -> {
                    blocking.countDown();
                    try {
                        Thread.sleep(500); // user code hogging the worker
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    blockerDone.set(true);
                });
                blocking.await();
                assertTrue(waiter.sys.eventfdWrite(waiter.efd, 7) >= 0);

                assertEquals(7L, h.join(Duration.ofSeconds(10)));
                assertTrue(waiter.ownerStillBlocked, "the task ran while its worker was still blocked");
                assertNotSame(waiter.owner, waiter.completedOn, "another worker ran it");
                assertTrue(rt.metrics().pollerSteals() > 0);
            } finally {
                waiter.reg.close();
                waiter.sys.close(waiter.efd);
            }
        }
    }
}
