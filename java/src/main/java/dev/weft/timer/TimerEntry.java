package dev.weft.timer;

import dev.weft.task.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timer: an intrusive node of a {@link TimerWheel} slot list plus the state word that
 * decides, exactly once, whether the timer fired or was cancelled.
 *
 * <p>An entry is the only object a timer needs: the wheel links it into a slot through its own
 * {@code prev}/{@code next} fields, so insert and cancel are O(1) and allocate nothing.
 *
 * <pre>
 *   PENDING --expire (owner)--> FIRED --reset / re-insert--> PENDING ...   (an interval re-arms)
 *   PENDING --cancel (any thread)--> CANCELLED                             (terminal)
 * </pre>
 *
 * <p>Inserting an entry does not change its state (a pending entry may be linked or not), so
 * scheduling a timer costs no atomic instruction, and neither does the owner's cancel; a fire,
 * and a cancel from another thread, is a CAS.
 *
 * <p>Thread-safety: the link fields ({@code prev}, {@code next}, {@code slot}, the deadline) are
 * touched only by the thread that owns the wheel the entry is in. Only that owner fires an entry
 * ({@link #expire()}, from its wheel or from a hand-over in its inbox). The state word is changed
 * by CAS, so a {@link #cancel()} from any thread racing {@link #expire()} on the owner gives
 * exactly one outcome: either the waker is called (fired) or it never is (cancelled). The one
 * exception is the owner's own cancel ({@link #cancelOnOwner()}), which no fire can race. The waker
 * field is volatile so a poll on another worker may replace it; whoever reads FIRED after writing
 * its waker, or the firing thread that reads the waker after its CAS, wakes the current task.
 */
public final class TimerEntry {
    /** Waiting: created, or linked in a wheel until its deadline. */
    public static final int PENDING = 0;
    /** Its deadline passed and its waker was called; no longer in a wheel. */
    public static final int FIRED = 1;
    /** Cancelled; never fires. It may still be linked until its owner unlinks it. */
    public static final int CANCELLED = 2;

    static final int UNLINKED = -1;

    private static final VarHandle STATE;
    private static final VarHandle WAKER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(TimerEntry.class, "state", int.class);
            WAKER = lookup.findVarHandle(TimerEntry.class, "waker", Waker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Owned by the wheel's thread.
    long deadline;
    TimerEntry prev;
    TimerEntry next;
    int slot = UNLINKED;

    // Both left at their defaults or written plainly in the constructor: a volatile store there
    // would cost a full fence per timer, and the entry reaches other threads only through a
    // publication that already orders it (the task's state word, the owner's inbox).
    private volatile int state; // PENDING
    private volatile Waker waker;

    /** An idle entry that will call {@code waker} when it fires. */
    public TimerEntry(Waker waker) {
        WAKER.set(this, waker);
    }

    /** An idle entry whose waker is given later through {@link #setWaker(Waker)}. */
    public TimerEntry() {
    }

    /** Replaces the waker to call on fire (a later poll of the same timer, maybe on another worker). */
    public void setWaker(Waker waker) {
        this.waker = waker;
    }

    /** The deadline tick this entry was last inserted with. Meaningful only to the owner. */
    public long deadlineTick() {
        return deadline;
    }

    /** Whether this entry is currently linked into a wheel (owner thread only). */
    public boolean isLinked() {
        return slot != UNLINKED;
    }

    /** The state word: {@link #PENDING}, {@link #FIRED} or {@link #CANCELLED}. */
    public int state() {
        return state;
    }

    public boolean isFired() {
        return state == FIRED;
    }

    public boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * Whether the owner may link this entry: a pending one may; a fired one (an interval's next
     * tick) is made pending again; a cancelled one may not. A cancel racing this check from
     * another thread is still honoured: the entry is then linked but cancelled, and the owner
     * drops it when its slot comes or when the canceller's hand-off reaches it.
     */
    boolean prepareInsert() {
        int s = state;
        if (s == PENDING) {
            return true;
        }
        return s == FIRED && STATE.compareAndSet(this, FIRED, PENDING);
    }

    /**
     * Moves FIRED back to PENDING, so a re-registration handed to another thread is not mistaken
     * for the previous fire. Returns {@code false} if the entry is not FIRED (it is left as is).
     */
    public boolean reset() {
        return STATE.compareAndSet(this, FIRED, PENDING);
    }

    /**
     * Called by the owner when the deadline passed: PENDING to FIRED, then the waker. Returns
     * {@code true} if this call fired the entry, {@code false} if a cancel won.
     */
    boolean expire() {
        if (!STATE.compareAndSet(this, PENDING, FIRED)) {
            return false;
        }
        Waker w = waker;
        if (w != null) {
            w.wake();
        }
        return true;
    }

    /**
     * Cancels from any thread. Returns {@code true} if this call cancelled the timer (it will
     * never fire); {@code false} if it had already fired or been cancelled. A cancelled entry may
     * stay linked until its owner unlinks it ({@link TimerWheel#remove}); the owner skips it if
     * its slot comes first.
     */
    public boolean cancel() {
        return state == PENDING && STATE.compareAndSet(this, PENDING, CANCELLED);
    }

    /**
     * {@link #cancel()} on the thread that owns the wheel this entry was last given to (it is
     * linked there, or a hand-over to that owner is pending, or it is not armed at all).
     *
     * <p><b>A release store, not a CAS.</b> Only the owner moves PENDING to FIRED, so on the owner
     * no fire can come between reading PENDING and writing CANCELLED: the fire-or-cancel decision
     * needs no atomic instruction here. A CAS (a locked instruction, a full fence on x86) would
     * cost every timer that is cancelled before it fires, the common fate of a timeout. The one
     * racer left is a {@link #cancel()} from another thread at the same moment: its CAS may also
     * succeed, and then both calls report that they cancelled the timer, which is true of each
     * (it never fires). The release store orders the owner's earlier writes (the unlinking)
     * before CANCELLED for a thread that reads CANCELLED; on x86 it is a plain store.
     */
    boolean cancelOnOwner() {
        if (state != PENDING) {
            return false;
        }
        STATE.setRelease(this, CANCELLED);
        return true;
    }

    @Override
    public String toString() {
        String[] names = {"PENDING", "FIRED", "CANCELLED"};
        return "TimerEntry[" + names[state] + (slot == UNLINKED ? "" : ", tick " + deadline) + "]";
    }
}
