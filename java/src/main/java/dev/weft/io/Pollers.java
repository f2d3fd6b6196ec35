package dev.weft.io;

import dev.weft.sys.JniSyscalls;
import dev.weft.sys.JnrSyscalls;
import dev.weft.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Chooses how workers poll, by backend name ({@code AUTO}, {@code EPOLL_JNI}, {@code EPOLL_JNR},
 * {@code NIO}; the public enum is {@code dev.weft.Backend}).
 *
 * <p>{@code AUTO} takes the fastest backend that works here: epoll through Weft's JNI library,
 * else epoll through jnr-ffi, else a NIO selector. Its {@link Choice#reason()} says which it
 * took and why each faster one was passed over (the loader's own error), and is logged once
 * per distinct outcome through {@link System.Logger}. {@code -Dweft.backend=NAME} replaces
 * {@code AUTO} (an explicitly named backend wins over the property). Naming an unavailable
 * backend is an error whose cause is why it is unavailable.
 *
 * <p>Thread-safety: safe from any thread; the bindings load once per JVM.
 */
public final class Pollers {
    public static final String BACKEND_PROPERTY = "weft.backend";

    private static final System.Logger LOG = System.getLogger(Pollers.class.getName());
    private static final ConcurrentHashMap<String, Boolean> LOGGED = new ConcurrentHashMap<>();

    /** A chosen backend: its name, a factory for one poller per worker, and why it was chosen. */
    public record Choice(String name, Supplier<Poller> factory, String reason) {
        public Poller open() {
            return factory.get();
        }
    }

    private Pollers() {
    }

    /** Resolves a backend name (case-insensitive; null means AUTO); an unknown or unavailable one is an error naming it. */
    public static Choice choose(String backend) {
        String b = normalize(backend);
        String viaProperty = "";
        if (b.equals("AUTO")) {
            String prop = System.getProperty(BACKEND_PROPERTY);
            if (prop != null && !prop.isBlank()) {
                b = normalize(prop);
                viaProperty = " (from -D" + BACKEND_PROPERTY + "=" + prop + ")";
            }
        }
        switch (b) {
            case "AUTO":
                return auto();
            case "EPOLL_JNI":
                return epoll(binding(true), b + " requested" + viaProperty + "; libweft from " + JniSyscalls.source());
            case "EPOLL_JNR":
                return epoll(binding(false), b + " requested" + viaProperty + "; jnr-ffi binding libc");
            case "NIO":
                return new Choice("nio", NioPoller::new, "NIO requested" + viaProperty);
            default:
                throw new IllegalArgumentException("unknown backend '" + backend
                        + "' (expected AUTO, EPOLL_JNI, EPOLL_JNR or NIO)");
        }
    }

    private static String normalize(String backend) {
        return backend == null ? "AUTO" : backend.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Choice auto() {
        List<String> passedOver = new ArrayList<>();
        Choice c = null;
        for (boolean jni : new boolean[] {true, false}) {
            try {
                Syscalls s = binding(jni);
                String from = jni ? "libweft from " + JniSyscalls.source() : "jnr-ffi binding libc";
                c = epoll(s, "AUTO chose epoll-" + s.name() + " (" + from + ")");
                break;
            } catch (IllegalStateException e) {
                passedOver.add(e.getMessage() + describeCauses(e.getCause()));
            }
        }
        if (c == null) {
            c = new Choice("nio", NioPoller::new, "AUTO chose nio");
        }
        if (!passedOver.isEmpty()) {
            c = new Choice(c.name(), c.factory(), c.reason() + "; passed over: " + String.join("; ", passedOver));
        }
        if (LOGGED.putIfAbsent(c.reason(), Boolean.TRUE) == null) {
            LOG.log(passedOver.isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "Weft backend: {0}", c.reason());
        }
        return c;
    }

    /** The binding, or an IllegalStateException naming the backend with the loading error as its cause. */
    private static Syscalls binding(boolean jni) {
        String label = jni ? "EPOLL_JNI" : "EPOLL_JNR";
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new IllegalStateException(label + " unavailable: epoll needs Linux, this is " + System.getProperty("os.name"));
        }
        try {
            return jni ? JniSyscalls.load() : JnrSyscalls.load();
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException(label + " unavailable", e);
        }
    }

    private static Choice epoll(Syscalls s, String reason) {
        return new Choice("epoll-" + s.name(), () -> {
            try {
                return new EpollPoller(s);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open an epoll poller (" + s.name() + ")", e);
            }
        }, reason);
    }

    /**
     * ": msg <- cause msg <- ..." for a reason string, suppressed loader attempts included; a
     * cause whose message the previous one already contains (a wrapper repeating it) is skipped.
     */
    private static String describeCauses(Throwable t) {
        StringBuilder sb = new StringBuilder();
        String previous = "";
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String msg = String.valueOf(c.getMessage());
            if (!previous.contains(msg)) {
                sb.append(sb.length() == 0 ? ": " : " <- ").append(msg);
            }
            for (Throwable s : c.getSuppressed()) {
                sb.append(" [also: ").append(s.getMessage()).append(']');
            }
            previous = msg;
        }
        return sb.toString();
    }
}
