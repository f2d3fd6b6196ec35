package dev.weft.io;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Chooses how workers poll, by backend name ({@code AUTO}, {@code EPOLL_JNI}, {@code EPOLL_JNR},
 * {@code NIO}; the public enum is {@code dev.weft.Backend}). {@code AUTO} takes the fastest
 * backend that works here and keeps a sentence saying which and why.
 */
public final class Pollers {

    /** A chosen backend: its name, a factory for one poller per worker, and why it was chosen. */
    public record Choice(String name, Supplier<Poller> factory, String reason) {
        public Poller open() {
            return factory.get();
        }
    }

    private Pollers() {
    }

    /** Resolves a backend name (case-insensitive); an unknown or unavailable one is an error naming it. */
    public static Choice choose(String backend) {
        String b = backend == null ? "AUTO" : backend.trim().toUpperCase(Locale.ROOT);
        switch (b) {
            case "AUTO":
            case "NIO":
                return new Choice("nio", NioPoller::new, "NIO selected (the only backend built so far)");
            default:
                throw new IllegalArgumentException("unknown or unavailable backend '" + backend
                        + "' (expected AUTO, EPOLL_JNI, EPOLL_JNR or NIO)");
        }
    }
}
