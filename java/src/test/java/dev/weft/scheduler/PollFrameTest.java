package dev.weft.scheduler;

import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How the watchdog tells, from a suspect worker's stack, whether it is inside a poll and where
 * the task's code was entered (see {@link SlowPollWatchdog}).
 */
class PollFrameTest {
    private static final String SCHED = "dev.weft.scheduler.";

    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", 10);
    }

    private static StackTraceElement[] stack(StackTraceElement... innermostFirst) {
        return innermostFirst;
    }

    @Test
    void insideAPollTheFrameTaskRunCalledNamesTheTask() {
        String found = SlowPollWatchdog.pollFrame(stack(frame("java.lang.Thread", "sleep"), frame("com.example.Handler", "read"),
                frame("com.example.Handler", "poll"), frame(SCHED + "Task", "run"), frame(SCHED + "Worker", "loop"), frame(SCHED + "Worker", "run")));
        assertEquals("com.example.Handler.poll(Handler.java:10)", found);
    }

    @Test
    void aParkedWorkerOrSchedulerCodeAfterThePollIsNotInAPoll() {
        assertNull(SlowPollWatchdog.pollFrame(stack(frame("dev.weft.io.EpollPoller", "poll"), frame(SCHED + "Worker", "pollerTurn"),
                frame(SCHED + "Worker", "park"), frame(SCHED + "Worker", "loop"), frame(SCHED + "Worker", "run"))));
        assertNull(SlowPollWatchdog.pollFrame(stack(frame(SCHED + "Completion", "wakeWaiters"), frame(SCHED + "Task", "finish"),
                frame(SCHED + "Task", "run"), frame(SCHED + "Worker", "loop"), frame(SCHED + "Worker", "run"))));
        assertNull(SlowPollWatchdog.pollFrame(stack(frame(SCHED + "Task", "run"), frame(SCHED + "Worker", "loop"),
                frame(SCHED + "Worker", "run"))));
        assertNull(SlowPollWatchdog.pollFrame(stack(frame("dev.weft.task.Poll", "isReady"), frame(SCHED + "Task", "run"),
                frame(SCHED + "Worker", "loop"), frame(SCHED + "Worker", "run"))), "the poll has returned");
        assertNull(SlowPollWatchdog.pollFrame(new StackTraceElement[0]), "a thread that ended has no stack");
    }

    @Test
    void aTraceCutByTheDepthLimitIsDeepUserCode() {
        StackTraceElement[] deep = Collections.nCopies(1024, frame("com.example.Parser", "descend"))
                .toArray(StackTraceElement[]::new);
        assertEquals("(beyond the stack depth limit)", SlowPollWatchdog.pollFrame(deep));
    }
}
