package dev.weft;

import dev.weft.modprobe.ModulePathProbe;
import dev.weft.sys.Bindings;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Weft is the JPMS module {@code dev.weft}, which exports its public packages only (DESIGN
 * "Layers"), plus the one interface jnr-ffi must implement; and it works from the module path:
 * a child JVM with the built classes and jnr-ffi's jars on the module path runs
 * {@link ModulePathProbe} from the class path, on the JNI binding and on the jnr-ffi fallback.
 * (The other tests run on the class path, where the descriptor plays no part.)
 */
class ModulePathTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void theModuleExportsThePublicPackagesOnly() throws IOException {
        ModuleDescriptor d = ModuleFinder.of(CLASSES).find("dev.weft")
                .orElseThrow(() -> new AssertionError("no module dev.weft in " + CLASSES)).descriptor();
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("dev.weft", "dev.weft.task", "dev.weft.time", "dev.weft.net", "dev.weft.sync", "dev.weft.sys.jnr"),
                exported);
        assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), d.exports().toString());
        assertTrue(d.opens().isEmpty(), "nothing is opened: " + d.opens());
        Set<String> internal = Set.of("dev.weft.sys", "dev.weft.io", "dev.weft.timer", "dev.weft.scheduler");
        assertTrue(d.packages().containsAll(internal), "the internal packages are in the module: " + d.packages());
    }

    @Test
    void aClassPathApplicationRunsWeftFromTheModulePathOnJni() throws Exception {
        assumeTrue(Bindings.jniBuilt(), "libweft was not built here (no C compiler)");
        String out = runProbe(List.of());
        assertTrue(out.startsWith("module=dev.weft backend=epoll-jni value=49 polls=true"), out);
        assertTrue(out.endsWith("exports.task=true exports.scheduler=false exports.sys=false"), out);
    }

    @Test
    void theJnrFallbackWorksFromTheModulePathWithItsDependenciesResolved() throws Exception {
        String out = runProbe(List.of("-Dweft.backend=EPOLL_JNR", "--add-modules=ALL-MODULE-PATH"));
        assertTrue(out.startsWith("module=dev.weft backend=epoll-jnr value=49 polls=true"), out);
    }

    /** Runs the probe in a child JVM (bounded: 60 s) and returns its one line of output. */
    private static String runProbe(List<String> extra) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(cp.split(File.pathSeparator));
        // The module path: the built module and jnr-ffi with its own dependencies (jffi, asm).
        String modulePath = entries.stream()
                .filter(e -> e.endsWith(CLASSES.toString()) || isJnrJar(Path.of(e).getFileName().toString()))
                .collect(Collectors.joining(File.pathSeparator));
        String testClasses = entries.stream().filter(e -> e.endsWith("test-classes")).findFirst()
                .orElseThrow(() -> new AssertionError("no test-classes entry in " + cp));
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-p", modulePath, "--add-modules", "dev.weft", "-cp", testClasses));
        if (java.lang.Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=dev.weft,ALL-UNNAMED");
        }
        cmd.addAll(extra);
        cmd.add(ModulePathProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe ended within 60 s");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "the probe failed:\n" + out + "\ncommand: " + cmd);
            return out.lines().filter(l -> l.startsWith("module=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no result line:\n" + out));
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean isJnrJar(String name) {
        return name.endsWith(".jar") && (name.startsWith("jnr-") || name.startsWith("jffi-") || name.startsWith("asm"));
    }
}
