package dev.weft.scheduler;

import dev.weft.io.Poller;

import java.util.function.Supplier;

/**
 * The scheduler's knobs, validated once. Defaults (in {@code dev.weft.Runtime.Builder}) are
 * Tokio's measured choices: budget 128, LIFO limit 3, inject queue checked first every 61 ticks,
 * non-blocking poller turn every 61 ticks, poller stealing after 1 ms; and, Weft's own, a
 * searcher spins 50 microseconds for work before it parks (see {@code Worker}).
 *
 * @param workers               worker threads, at least 1
 * @param threadNamePrefix      worker threads are named prefix + "worker-" + index
 * @param pollers               opens one poller per worker
 * @param backendName           the pollers' backend, for metrics and logs
 * @param blockingCap           most threads of the blocking pool
 * @param blockingKeepAliveNanos how long an idle blocking thread lingers
 * @param globalQueueInterval   ticks between inject-queue-first turns
 * @param eventInterval         ticks between non-blocking poller turns of a busy worker
 * @param lifoLimit             LIFO-slot runs in a row (0 disables the slot)
 * @param budget                cooperative budget units per poll
 * @param pollerStealAfterNanos age of a peer's last poller turn after which a searcher polls it
 * @param spinBeforeParkNanos   how long a searcher that found nothing keeps looking before it parks; 0: parks at once
 * @param slowPollThresholdNanos a poll blocking its worker this long is reported ({@link SlowPollWatchdog}); 0: no watchdog
 * @param slowPollListener      told about each slow poll besides the log, or null
 */
public record SchedulerConfig(int workers, String threadNamePrefix, Supplier<Poller> pollers, String backendName,
                              int blockingCap, long blockingKeepAliveNanos, int globalQueueInterval,
                              int eventInterval, int lifoLimit, int budget, long pollerStealAfterNanos,
                              long spinBeforeParkNanos, long slowPollThresholdNanos, SlowPollListener slowPollListener) {
    public SchedulerConfig {
        positive("workers", workers);
        if (workers > 0xFFFF) {
            throw new IllegalArgumentException("workers must be at most 65535: " + workers);
        }
        if (threadNamePrefix == null) {
            throw new NullPointerException("threadNamePrefix");
        }
        if (pollers == null) {
            throw new NullPointerException("pollers");
        }
        positive("blockingCap", blockingCap);
        positive("blockingKeepAliveNanos", blockingKeepAliveNanos);
        positive("globalQueueInterval", globalQueueInterval);
        positive("eventInterval", eventInterval);
        if (lifoLimit < 0) {
            throw new IllegalArgumentException("lifoLimit must not be negative: " + lifoLimit);
        }
        positive("budget", budget);
        positive("pollerStealAfterNanos", pollerStealAfterNanos);
        if (spinBeforeParkNanos < 0) {
            throw new IllegalArgumentException("spinBeforeParkNanos must not be negative: " + spinBeforeParkNanos);
        }
        if (slowPollThresholdNanos < 0) {
            throw new IllegalArgumentException("slowPollThresholdNanos must not be negative: " + slowPollThresholdNanos);
        }
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + v);
        }
    }
}
