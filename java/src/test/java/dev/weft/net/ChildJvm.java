package dev.weft.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test main in a child JVM, optionally under a lower fd limit (through bash's ulimit). */
final class ChildJvm {
    private ChildJvm() {
    }

    static Process start(Class<?> main, Integer fdLimit, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        if (fdLimit != null) {
            // bash sets both the soft and the hard limit, so the JVM cannot raise it again.
            cmd.addAll(List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$0\" \"$@\""));
        }
        cmd.addAll(List.of(java, "-Xss1m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    /** Kills the child if still running and closes this side of its three pipes. */
    static void stop(Process p) throws Exception {
        p.destroyForcibly();
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        p.getOutputStream().close();
        p.getInputStream().close();
        p.getErrorStream().close();
    }
}
