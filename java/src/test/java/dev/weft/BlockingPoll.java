package dev.weft;

import dev.weft.task.Async;
import dev.weft.task.Context;
import dev.weft.task.JoinHandle;
import dev.weft.task.Poll;

import java.util.ArrayList;
import java.util.List;

/**
 * The mistake the slow-poll watchdog exists for: a task that blocks its worker inside one poll.
 * It first spawns {@code spawns} no-op tasks onto its own worker (which an idle worker then
 * steals), then sleeps {@code millis} in {@link #blockInPoll}, and ends with the spawned handles.
 * (Outside {@code dev.weft.scheduler}: the watchdog takes that package's frames for its own.)
 */
public final class BlockingPoll implements Async<List<JoinHandle<Object>>> {
    private final long millis;
    private final int spawns;

    public BlockingPoll(long millis, int spawns) {
        this.millis = millis;
        this.spawns = spawns;
    }

    @Override
    public Poll<List<JoinHandle<Object>>> poll(Context cx) {
        List<JoinHandle<Object>> spawned = new ArrayList<>();
        for (int i = 0; i < spawns; i++) {
            spawned.add(Weft.spawn(c -> Poll.ready(null)));
        }
        blockInPoll();
        return Poll.ready(spawned);
    }

    private void blockInPoll() {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
