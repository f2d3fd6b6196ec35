package dev.weft.scheduler;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.Poll;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Linearizability of the run queues under Lincheck's model checker (small configurations: the
 * model checker is slow on two cores). Tasks carry a number so results can be compared.
 */
class QueueLincheckTest {

    static final class Numbered implements Async<Void> {
        final int id;

        Numbered(int id) {
            this.id = id;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            return Poll.ready(null);
        }
    }

    static Task<?> task(int id) {
        return new Task<>(new Numbered(id), null);
    }

    static int id(Task<?> t) {
        return t == null ? -1 : ((Numbered) t.future()).id;
    }

    /**
     * Owner pushes and pops on one thread while a thief steals on another. ({@code len()} is a
     * racy hint for metrics and the idle rescan, not a linearizable operation, so it is left out.)
     */
    @Param(name = "id", gen = IntGen.class, conf = "1:9")
    public static class LocalQueueModel {
        private final LocalQueue queue = new LocalQueue();
        private final InjectQueue overflow = new InjectQueue();

        @Operation(nonParallelGroup = "owner")
        public void push(@Param(name = "id") int id) {
            queue.push(task(id), overflow);
        }

        @Operation(nonParallelGroup = "owner")
        public int pop() {
            return id(queue.pop());
        }

        /** Everything one steal moved: the task returned to run first, then the thief's queue in order. */
        @Operation(nonParallelGroup = "thief")
        public List<Integer> steal() {
            LocalQueue dst = new LocalQueue();
            List<Integer> got = new ArrayList<>();
            Task<?> t = queue.stealInto(dst);
            if (t != null) {
                got.add(id(t));
                for (Task<?> x; (x = dst.pop()) != null; ) {
                    got.add(id(x));
                }
            }
            return got;
        }

    }

    /**
     * Any threads push, pop, take batches and claim runs, on segments of two slots, so that
     * pushes and takes cross segment ends and race to append segments. ({@code len()} is left
     * out: it is a racy hint, counting positions claimed but not yet written.)
     */
    @Param(name = "id", gen = IntGen.class, conf = "1:9")
    public static class InjectQueueModel {
        private final InjectQueue queue = new InjectQueue(2);

        @Operation
        public void push(@Param(name = "id") int id) {
            queue.push(task(id));
        }

        @Operation
        public int pop() {
            return id(queue.pop());
        }

        @Operation
        public List<Integer> claimTwo() {
            InjectQueue.Run run = new InjectQueue.Run();
            List<Integer> got = new ArrayList<>();
            if (queue.claim(run, 2)) {
                for (Task<?> t; (t = run.take()) != null; ) {
                    got.add(id(t));
                }
            }
            return got;
        }

        @Operation
        public List<Integer> popTwo() {
            LocalQueue dst = new LocalQueue();
            List<Integer> got = new ArrayList<>();
            Task<?> t = queue.popInto(2, dst, new InjectQueue.Run());
            if (t != null) {
                got.add(id(t));
                for (Task<?> x; (x = dst.pop()) != null; ) {
                    got.add(id(x));
                }
            }
            return got;
        }
    }

    private static ModelCheckingOptions small() {
        return new ModelCheckingOptions()
                .iterations(6)
                .invocationsPerIteration(400)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1);
    }

    @Test
    void localQueueIsLinearizable() {
        small().check(LocalQueueModel.class);
    }

    /**
     * Runs on every JDK. On JDK 25 Lincheck 3.7 logs "Unsupported class file major version 69"
     * for JDK classes it cannot instrument (Thread.yield's, for one); the check still runs, and
     * fails there on a queue whose consumer claim is a plain write instead of a CAS.
     */
    @Test
    void injectQueueIsLinearizable() {
        small().check(InjectQueueModel.class);
    }
}
