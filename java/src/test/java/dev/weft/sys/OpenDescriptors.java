package dev.weft.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A snapshot of this process's open descriptors (from /proc/self/fd: number and what it points
 * to), and the leak check every test that opens descriptors ends with.
 *
 * <p>A leak is a descriptor open now that was not open, with the same target, in the baseline,
 * and is of a kind Weft opens: a socket, an epoll instance, an eventfd (or a pipe, which tests
 * use). Other new descriptors are the JVM's or a library's, opened lazily and kept for the
 * process's life (a jar opened on a first class load, say): counting them as leaks made an exact
 * fd-count check fail now and then, depending on test order. The failure message names each
 * leaked descriptor, with the socket's addresses where it is one.
 */
public final class OpenDescriptors {
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final long LEAK_WAIT_MILLIS = 5_000;

    private final Map<Integer, String> targets;

    private OpenDescriptors(Map<Integer, String> targets) {
        this.targets = targets;
    }

    /** The descriptors open now. */
    public static OpenDescriptors snapshot() {
        Map<Integer, String> targets = new TreeMap<>();
        try (Stream<Path> fds = Files.list(FD_DIR)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    targets.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // the directory stream's own descriptor, or one closed while listing: not open now
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FD_DIR, e);
        }
        return new OpenDescriptors(targets);
    }

    /** How many descriptors were open. */
    public int count() {
        return targets.size();
    }

    /** The descriptors of Weft's kinds open here and not in {@code before}, each described. */
    public List<String> leakedSince(OpenDescriptors before) {
        List<String> leaks = new ArrayList<>();
        targets.forEach((fd, target) -> {
            if (isWeftKind(target) && !target.equals(before.targets.get(fd))) {
                leaks.add(describe(fd, target));
            }
        });
        return leaks;
    }

    /** Asserts that every descriptor of Weft's kinds opened since {@code before} is closed now. */
    public static void assertNoLeakSince(OpenDescriptors before, String what) {
        assertNoLeaks(before, snapshot(), what);
    }

    /**
     * Like {@link #assertNoLeakSince}, but first waits up to 5 s for closes still under way (a
     * peer's end of a connection that a server task closes on its own time).
     */
    public static void awaitNoLeakSince(OpenDescriptors before, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LEAK_WAIT_MILLIS * 1_000_000;
        OpenDescriptors now = snapshot();
        while (!now.leakedSince(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = snapshot();
        }
        assertNoLeaks(before, now, what);
    }

    private static void assertNoLeaks(OpenDescriptors before, OpenDescriptors now, String what) {
        assertEquals(List.of(), now.leakedSince(before), what + ": descriptors left open ("
                + now.count() + " open now, " + before.count() + " before)");
    }

    private static boolean isWeftKind(String target) {
        return target.startsWith("socket:") || target.startsWith("pipe:")
                || target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]");
    }

    /** "fd -> target", with the socket's addresses and state where /proc/net knows it. */
    private static String describe(int fd, String target) {
        StringBuilder sb = new StringBuilder().append(fd).append(" -> ").append(target);
        if (target.startsWith("socket:[")) {
            String inode = target.substring("socket:[".length(), target.length() - 1);
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"}) {
                try {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 9 && f[9].equals(inode)) {
                            sb.append(" [").append(table).append(' ').append(f[1]).append(' ').append(f[2])
                                    .append(" state ").append(f[3]).append(']');
                        }
                    }
                } catch (IOException unreadable) {
                    // no such table on this kernel: the target alone must do
                }
            }
        }
        return sb.toString();
    }
}
