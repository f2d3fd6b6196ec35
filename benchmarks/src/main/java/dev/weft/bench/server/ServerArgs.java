package dev.weft.bench.server;

import java.util.Locale;

/**
 * The command line every benchmark server takes: {@code PORT WORKERS [--backend NAME]}.
 * {@code PORT} 0 picks a free port; the server prints {@code READY port=N} on stdout once it
 * accepts connections, which is what scripts wait for. {@code --backend} matters only to the
 * Weft servers ({@code AUTO}, {@code EPOLL_JNI}, {@code EPOLL_JNR}, {@code NIO}).
 */
public record ServerArgs(int port, int workers, String backend) {

    public ServerArgs {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("workers must be 1..1024, got " + workers);
        }
    }

    /** Parses the arguments or exits with a usage message naming what was wrong. */
    public static ServerArgs parse(String server, String[] args) {
        try {
            if (args.length != 2 && args.length != 4) {
                throw new IllegalArgumentException("expected 2 or 4 arguments, got " + args.length);
            }
            String backend = "AUTO";
            if (args.length == 4) {
                if (!args[2].equals("--backend")) {
                    throw new IllegalArgumentException("unknown option '" + args[2] + "'");
                }
                backend = args[3].toUpperCase(Locale.ROOT);
            }
            return new ServerArgs(parseInt("PORT", args[0]), parseInt("WORKERS", args[1]), backend);
        } catch (IllegalArgumentException e) {
            System.err.println(server + ": " + e.getMessage());
            System.err.println("usage: " + server + " PORT WORKERS [--backend AUTO|EPOLL_JNI|EPOLL_JNR|NIO]");
            System.exit(2);
            throw e; // not reached
        }
    }

    private static int parseInt(String what, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be an integer, got '" + s + "'", e);
        }
    }

    /** The line scripts wait for before sending load. */
    public static void announce(String server, int boundPort) {
        System.out.println("READY port=" + boundPort + " server=" + server);
        System.out.flush();
    }
}
