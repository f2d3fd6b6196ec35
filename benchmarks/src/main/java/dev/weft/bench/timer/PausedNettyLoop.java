package dev.weft.bench.timer;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;

/**
 * A Netty event loop whose scheduled-task queue runs on a {@link MockTicker}, so its timers can
 * be fired over paused time exactly like Weft's wheel: advance the ticker, then run every task
 * now due. The loop's own thread still runs; the benchmark drives firing from a task on it.
 */
final class PausedNettyLoop extends DefaultEventLoop {
    // The superclass constructor already asks for the ticker, before field initialisers run,
    // so it is created on first use.
    private MockTicker ticker;
    // Shutdown measures its quiet period and timeout on the ticker: paused time would never end it.
    private volatile boolean realTime;

    @Override
    public Ticker ticker() {
        return realTime ? Ticker.systemTicker() : mockTicker();
    }

    private synchronized MockTicker mockTicker() {
        if (ticker == null) {
            ticker = Ticker.newMockTicker();
        }
        return ticker;
    }

    /** Returns to real time and shuts the loop down; waits up to a second. */
    void shutdownOnRealTime() throws InterruptedException {
        realTime = true;
        shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).await(2, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Moves paused time by {@code millis} and runs every scheduled task now due; returns how many ran. Loop thread only. */
    int advanceMillisAndRunDue(long millis) {
        mockTicker().advanceMillis(millis);
        long now = getCurrentTimeNanos();
        int ran = 0;
        for (Runnable r = pollScheduledTask(now); r != null; r = pollScheduledTask(now)) {
            r.run();
            ran++;
        }
        return ran;
    }
}
