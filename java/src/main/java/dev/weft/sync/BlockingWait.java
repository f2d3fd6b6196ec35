package dev.weft.sync;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import dev.weft.task.Waker;

import java.util.concurrent.locks.LockSupport;

/*
 * Runs an Async to completion on a plain thread: the waker unparks the thread, the thread polls,
 * parks until woken, and polls again. A spurious unpark only costs one more poll. On interrupt
 * the Async is cancelled (so it leaves no waiter behind and hands back anything it was given)
 * and InterruptedException is thrown.
 *
 * Thread-safety: each call is confined to the calling thread.
 */
final class BlockingWait {
    private BlockingWait() {
    }

    static <T> T await(Async<T> op) throws InterruptedException {
        Thread self = Thread.currentThread();
        Waker waker = () -> LockSupport.unpark(self);
        Context cx = Context.of(waker);
        for (;;) {
            if (Thread.interrupted()) {
                op.cancel();
                throw new InterruptedException();
            }
            Poll<T> p;
            try {
                p = op.poll(cx);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("blocking wait failed", e);
            }
            if (p.isReady()) {
                return p.value();
            }
            LockSupport.park(op);
        }
    }
}
