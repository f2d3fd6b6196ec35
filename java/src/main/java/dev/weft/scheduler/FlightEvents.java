package dev.weft.scheduler;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's JDK Flight Recorder events, and the gate that keeps them off the hot path while
 * nothing records them.
 *
 * <p><b>Events</b> (category "Weft"; each can be switched and, where it has a duration,
 * thresholded in a recording's settings like any JDK event):
 * <ul>
 *   <li>{@code dev.weft.TaskPoll}: one task poll, recorded when it returns if it lasted at least
 *       the threshold (JFR's own threshold setting, default 20 ms). Off unless a recording enables
 *       it: to find the slow ones JFR must time every poll (an event object and two clock reads),
 *       which made the scheduler benchmark 2.4 (chained_spawn) to 4.4 (yield_many) times slower.
 *       The watchdog's {@code SlowPoll} below costs the polls nothing and is on by default;</li>
 *   <li>{@code dev.weft.SlowPoll}: committed by the runtime's {@link SlowPollWatchdog} while a poll
 *       still blocks its worker past the runtime's slow-poll threshold, with the worker's stack
 *       then; so a poll that never returns is recorded too;</li>
 *   <li>{@code dev.weft.WorkerPark}: a worker blocked in its poller with nothing to run (default
 *       threshold 20 ms, as the JDK's {@code jdk.ThreadPark});</li>
 *   <li>{@code dev.weft.Steal}: a worker took tasks from a peer's queue. An instant event, too
 *       frequent to threshold, so off unless a recording enables it.</li>
 * </ul>
 *
 * <p><b>The gate.</b> A JFR event costs an allocation and two clock reads even when no recording
 * will keep it; per poll, that would cost more than the poll. So each hook first reads one of
 * the static flags below, true only while some recording runs with that event enabled; when they
 * are false a poll pays one read of a static field and nothing else (the scheduler benchmark
 * showed no difference from a build without the hooks). A
 * {@link FlightRecorderListener} recomputes the flags whenever any recording starts or stops
 * (JFR calls it synchronously, so a poll that begins after {@code Recording.start()} returns is
 * recorded); {@link #refresh()}, called on each watchdog tick, picks up settings changed on a
 * recording that is already running (a runtime without a watchdog sees them at the next start or
 * stop of any recording). The listener is registered when this class initializes; that does not
 * start JFR.
 *
 * <p>Thread-safety: the flags are volatile and published under one lock; the emitters
 * run on the thread the event describes (a worker), or on the watchdog for {@code SlowPoll}.
 * Without the {@code jdk.jfr} module (a trimmed runtime image) the flags stay false and nothing
 * else here is loaded.
 */
final class FlightEvents {
    private static final System.Logger LOG = System.getLogger(FlightEvents.class.getName());

    /** Whether a running recording enables the event: read by the hooks before anything else. */
    static volatile boolean taskPolls;
    static volatile boolean parks;
    static volatile boolean steals;
    /** Whether any recording runs (then {@link #refresh()} is worth its few lookups). */
    private static volatile boolean recording;
    /** Refreshes started, and the latest one whose flags were published (see {@link #refreshAll}). */
    private static final AtomicLong REFRESHES = new AtomicLong();
    private static long published;

    static {
        try {
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recorderInitialized(FlightRecorder recorder) {
                    refreshAll();
                }

                @Override
                public void recordingStateChanged(Recording r) {
                    refreshAll();
                }
            });
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "Flight Recorder events off: no listener could be registered", e);
        }
    }

    private FlightEvents() {
    }

    /** Recomputes the flags if a recording runs (its event settings may have changed); cheap otherwise. */
    static void refresh() {
        if (recording) {
            refreshAll();
        }
    }

    /**
     * Reads the recorder's state and publishes the flags. Runs without a lock of its own while it
     * calls into JFR (which calls the listener while holding its own locks); a computation that
     * started before another one may finish after it, so only the most recently started one
     * publishes. A state change is followed by a refresh that starts after it, so the flags end
     * up describing the latest state.
     */
    private static void refreshAll() {
        long ticket = REFRESHES.incrementAndGet();
        boolean running = false;
        if (FlightRecorder.isInitialized()) { // never start JFR just to look
            for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
                running |= r.getState() == RecordingState.RUNNING;
            }
        }
        boolean polls = running && EventType.getEventType(TaskPollEvent.class).isEnabled();
        boolean parked = running && EventType.getEventType(WorkerParkEvent.class).isEnabled();
        boolean stolen = running && EventType.getEventType(StealEvent.class).isEnabled();
        synchronized (REFRESHES) {
            if (ticket > published) {
                published = ticket;
                recording = running;
                taskPolls = polls;
                parks = parked;
                steals = stolen;
            }
        }
    }

    // ---- emitters (each called only after its flag read true) ----

    static TaskPollEvent beginPoll() {
        TaskPollEvent e = new TaskPollEvent();
        e.begin();
        return e;
    }

    /** {@code e}: from {@link #beginPoll()}, or null if polls were not recorded. */
    static void endPoll(TaskPollEvent e, Task<?> task, Worker worker) {
        if (e == null) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.task = label(task);
            e.worker = worker.getName();
            e.commit();
        }
    }

    /**
     * A polled task's name for an event: its {@code Async}'s class and identity hash, e.g.
     * {@code com.example.Handler@1b6d3586}. The user's {@code toString()} is not called: it would
     * run on the worker, after a poll that was slow already, and may do anything. Called before
     * the task's end is recorded, so its future is still there.
     */
    private static String label(Task<?> task) {
        Object future = task.future();
        return future.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(future));
    }

    static WorkerParkEvent beginPark() {
        WorkerParkEvent e = new WorkerParkEvent();
        e.begin();
        return e;
    }

    /** {@code e}: from {@link #beginPark()}, or null if parks were not recorded; {@code timeoutNanos}: -1 for none. */
    static void endPark(WorkerParkEvent e, Worker worker, long timeoutNanos) {
        if (e == null) {
            return;
        }
        e.end();
        if (e.shouldCommit()) {
            e.worker = worker.getName();
            e.timeout = timeoutNanos < 0 ? Long.MIN_VALUE : timeoutNanos; // MIN_VALUE: JFR shows N/A
            e.commit();
        }
    }

    static void steal(Worker thief, Worker victim, int tasks) {
        StealEvent e = new StealEvent();
        if (e.shouldCommit()) {
            e.worker = thief.getName();
            e.victim = victim.getName();
            e.tasks = tasks;
            e.commit();
        }
    }

    /** On the watchdog; not gated: it runs once per slow poll. */
    static void slowPoll(String task, String worker, long elapsedNanos, String stack, int heldBack) {
        try {
            SlowPollEvent e = new SlowPollEvent();
            if (e.shouldCommit()) {
                e.task = task;
                e.worker = worker;
                e.elapsed = elapsedNanos;
                e.stack = stack;
                e.heldBack = heldBack;
                e.commit();
            }
        } catch (LinkageError noJfr) {
            // a runtime image without jdk.jfr: the log line and the callback still report it
        }
    }

    // ---- the event types ----

    @Name("dev.weft.TaskPoll")
    @Label("Task Poll")
    @Category("Weft")
    @Description("A task poll that lasted at least the threshold; recorded when the poll returns")
    @Threshold("20 ms")
    @Enabled(false) // per-poll timing is costly (see the class comment): a recording opts in
    @StackTrace(false) // taken after the poll returned: it would show the scheduler, not the task
    static final class TaskPollEvent extends Event {
        @Label("Task")
        @Description("The polled Async: its class and identity hash")
        String task;

        @Label("Worker")
        String worker;
    }

    @Name("dev.weft.SlowPoll")
    @Label("Slow Task Poll")
    @Category("Weft")
    @Description("A poll the watchdog found still blocking its worker past the runtime's slow-poll threshold")
    @StackTrace(false) // the committing thread is the watchdog; the worker's stack is a field
    static final class SlowPollEvent extends Event {
        @Label("Task")
        @Description("Where the worker entered the task's code: the stack frame the scheduler's poll called")
        String task;

        @Label("Worker")
        String worker;

        @Label("Elapsed")
        @Description("How long the poll had blocked when the watchdog saw it (at least this)")
        @Timespan(Timespan.NANOSECONDS)
        long elapsed;

        @Label("Worker Stack")
        @Description("The worker's stack when the watchdog saw it, one frame a line")
        String stack;

        @Label("Tasks Held Back")
        @Description("Tasks queued on the worker that no other worker can take: its LIFO slot and the rest of its claimed inject run")
        int heldBack;
    }

    @Name("dev.weft.WorkerPark")
    @Label("Worker Park")
    @Category("Weft")
    @Description("A worker with nothing to run, blocked in its poller until woken, an event or its next timer")
    @Threshold("20 ms")
    @StackTrace(false)
    static final class WorkerParkEvent extends Event {
        @Label("Worker")
        String worker;

        @Label("Timeout")
        @Description("The park's limit (the next timer or the poller watch); N/A when none")
        @Timespan(Timespan.NANOSECONDS)
        long timeout;
    }

    @Name("dev.weft.Steal")
    @Label("Work Steal")
    @Category("Weft")
    @Description("A searching worker took half of a peer's run queue")
    @Enabled(false)
    @StackTrace(false)
    static final class StealEvent extends Event {
        @Label("Worker")
        @Description("The thief")
        String worker;

        @Label("Victim")
        @Description("The worker whose queue was stolen from")
        String victim;

        @Label("Tasks")
        @Description("Tasks moved")
        int tasks;
    }
}
