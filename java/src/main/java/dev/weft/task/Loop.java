package dev.weft.task;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@link Async#loop}: state, step, state, ... until {@code done} accepts the state. Steps that
 * are ready at once run in the same poll; a step whose leaf operations spend the cooperative
 * budget returns pending when it is spent, so a loop of ready steps still lets other tasks run.
 * Not thread-safe.
 */
final class Loop<S> implements Async<S> {
    private final Predicate<? super S> done;
    private final Function<? super S, ? extends Async<? extends S>> step;
    private S state;
    private Async<? extends S> current;

    Loop(S initial, Predicate<? super S> done, Function<? super S, ? extends Async<? extends S>> step) {
        this.state = initial;
        this.done = Objects.requireNonNull(done, "done");
        this.step = Objects.requireNonNull(step, "step");
    }

    @Override
    public Poll<S> poll(Context cx) throws Exception {
        for (;;) {
            if (current == null) {
                if (done.test(state)) {
                    return Poll.ready(state);
                }
                current = Objects.requireNonNull(step.apply(state), "loop step returned null");
            }
            Poll<? extends S> p = current.poll(cx);
            if (p.isPending()) {
                return Poll.pending();
            }
            current = null;
            state = p.value();
        }
    }

    @Override
    public void cancel() {
        if (current != null) {
            current.cancel();
        }
    }
}
