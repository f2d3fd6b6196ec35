package dev.weft.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.sys.Bindings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backend choice: AUTO takes the fastest that works and says why it passed over the others. */
class PollersTest {

    @Test
    void autoPrefersJniWhenItWasBuilt() {
        assumeTrue(Bindings.jniBuilt(), "libweft was not built here");
        Pollers.Choice c = Pollers.choose("AUTO");
        assertEquals("epoll-jni", c.name());
        assertTrue(c.reason().startsWith("AUTO chose epoll-jni"), c.reason());
    }

    @Test
    void eachNamedBackendOpensItsOwnPoller() throws IOException {
        for (String name : List.of("EPOLL_JNR", "NIO", "epoll-jnr", " nio ")) {
            Pollers.Choice c = Pollers.choose(name);
            try (Poller p = c.open()) {
                assertEquals(c.name(), p.backendName());
                assertEquals(0, p.poll(0));
            }
        }
    }

    @Test
    void anUnknownBackendIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pollers.choose("KQUEUE_X"));
        assertEquals("unknown backend 'KQUEUE_X' (expected AUTO, EPOLL_JNI, EPOLL_JNR or NIO)", e.getMessage());
    }

    @Test
    void theNioPollerWatchesChannelsNotRawDescriptors() {
        try (NioPoller p = new NioPoller()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> p.register(0));
            assertTrue(e.getMessage().contains("java.nio channels"), e.getMessage());
            assertTrue(e.getMessage().contains("EPOLL_JNI or EPOLL_JNR"), e.getMessage());
        }
    }

    @Test
    void whenJniCannotLoadAutoFallsBackToJnrAndSaysWhy(@TempDir Path nowhere) throws Exception {
        List<String> out = probe("-Dweft.native.path=" + nowhere.resolve("missing"), "AUTO");
        assertEquals("epoll-jnr", out.get(0), String.join("\n", out));
        String reason = out.get(1);
        assertTrue(reason.startsWith("AUTO chose epoll-jnr"), reason);
        assertTrue(reason.contains("EPOLL_JNI unavailable"), reason);
        assertTrue(reason.contains("cannot load libweft from -Dweft.native.path=" + nowhere.resolve("missing")), reason);
    }

    @Test
    void namingJniWhenItCannotLoadIsAnErrorCarryingTheLoaderFailure(@TempDir Path nowhere) throws Exception {
        List<String> out = probe("-Dweft.native.path=" + nowhere.resolve("missing"), "EPOLL_JNI");
        assertEquals("error", out.get(0), String.join("\n", out));
        assertTrue(out.get(1).contains("EPOLL_JNI unavailable"), out.get(1));
        assertTrue(out.get(1).contains("cannot load libweft from -Dweft.native.path"), out.get(1));
    }

    @Test
    void theBackendPropertyReplacesAuto() throws Exception {
        List<String> out = probe("-Dweft.backend=nio", "AUTO");
        assertEquals("nio", out.get(0), String.join("\n", out));
        assertEquals("NIO requested (from -Dweft.backend=nio)", out.get(1));
    }

    /** Runs BackendProbe in a fresh JVM (the loader's outcome is per JVM) and returns its lines. */
    private static List<String> probe(String property, String backend) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp, property));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add(BackendProbe.class.getName());
        cmd.add(backend);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        String text = new String(stdout, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text + new String(stderr, StandardCharsets.UTF_8));
        List<String> lines = text.lines().toList();
        assertTrue(lines.size() >= 2, "probe said: " + text + new String(stderr, StandardCharsets.UTF_8));
        return lines;
    }
}
