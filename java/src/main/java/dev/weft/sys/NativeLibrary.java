package dev.weft.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds and loads {@code libweft.so}, trying in order:
 * <ol>
 *   <li>{@code -Dweft.native.path=FILE_OR_DIR}: when set, the only place tried, so a wrong
 *       path is an error rather than a silent fallback to another copy;</li>
 *   <li>{@code java.library.path} ({@code System.loadLibrary("weft")});</li>
 *   <li>the copy in the jar, {@code META-INF/native/<os>-<arch>/libweft.so}, extracted to a
 *       temp file in {@code -Dweft.native.workdir} (default {@code java.io.tmpdir}) and
 *       deleted again once loaded. A work dir mounted {@code noexec} is named as such.</li>
 * </ol>
 * Each failed step is kept: the {@link Outcome} carries them all as one exception with the
 * others suppressed, which is what {@code Runtime.backend()} reports when JNI is unavailable.
 *
 * <p>Thread-safety: {@link #loadOnce()} is idempotent and safe from any thread; the JVM loads
 * a library at most once per class loader anyway.
 */
public final class NativeLibrary {
    public static final String PATH_PROPERTY = "weft.native.path";
    public static final String WORKDIR_PROPERTY = "weft.native.workdir";
    static final String LIBRARY = "weft";

    /** What loading gave: where it came from, or why it failed. */
    public record Outcome(String source, Throwable failure) {
        public boolean loaded() {
            return failure == null;
        }
    }

    private static volatile Outcome outcome;

    private NativeLibrary() {
    }

    /** Loads the library the first time, from the system properties; later calls return the same outcome. */
    public static Outcome loadOnce() {
        Outcome o = outcome;
        if (o == null) {
            synchronized (NativeLibrary.class) {
                o = outcome;
                if (o == null) {
                    o = load(System.getProperty(PATH_PROPERTY), System.getProperty(WORKDIR_PROPERTY,
                            System.getProperty("java.io.tmpdir")));
                    outcome = o;
                }
            }
        }
        return o;
    }

    /**
     * One loading attempt with explicit settings ({@code explicitPath} may be null; then the
     * library path and the jar are tried). Never throws: the failure is in the outcome.
     */
    static Outcome load(String explicitPath, String workDir) {
        if (explicitPath != null && !explicitPath.isBlank()) {
            Path p = Path.of(explicitPath);
            if (Files.isDirectory(p)) {
                p = p.resolve(System.mapLibraryName(LIBRARY));
            }
            try {
                System.load(p.toAbsolutePath().toString());
                return new Outcome("-D" + PATH_PROPERTY + "=" + p, null);
            } catch (Throwable t) {
                return new Outcome(null, failure("cannot load libweft from -D" + PATH_PROPERTY + "=" + explicitPath
                        + " (set only this path, so nothing else was tried)", List.of(t)));
            }
        }
        List<Throwable> failures = new ArrayList<>();
        try {
            System.loadLibrary(LIBRARY);
            return new Outcome("java.library.path", null);
        } catch (Throwable t) {
            failures.add(t);
        }
        String resource = "META-INF/native/" + platform() + "/" + System.mapLibraryName(LIBRARY);
        try {
            Path extracted = extract(resource, Path.of(workDir));
            try {
                System.load(extracted.toString());
                return new Outcome("classpath resource " + resource, null);
            } catch (Throwable t) {
                failures.add(noexecHint(t, extracted.getParent()));
            } finally {
                // The mapping outlives the file: deleting it now leaves nothing behind on exit.
                Files.deleteIfExists(extracted);
            }
        } catch (IOException | RuntimeException e) {
            failures.add(e);
        }
        return new Outcome(null, failure("cannot load libweft (tried java.library.path, then " + resource
                + " extracted to " + workDir + ")", failures));
    }

    /** {@code linux-x86_64}, {@code linux-aarch_64}: the folder the build puts the library in. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : os.replace(' ', '_');
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> arch;
        };
        return o + "-" + a;
    }

    private static Path extract(String resource, Path workDir) throws IOException {
        ClassLoader cl = NativeLibrary.class.getClassLoader();
        try (InputStream in = cl == null ? ClassLoader.getSystemResourceAsStream(resource) : cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is not on the classpath (built without a C compiler?)");
            }
            Files.createDirectories(workDir);
            Path tmp = Files.createTempFile(workDir, "libweft-", ".so");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return tmp;
        }
    }

    /** Wraps a load failure with a clear sentence when the work dir cannot map executable code. */
    private static Throwable noexecHint(Throwable t, Path dir) {
        String msg = String.valueOf(t.getMessage());
        if (msg.contains("failed to map segment") || msg.contains("Operation not permitted") || mountedNoexec(dir)) {
            return new IOException("the work dir " + dir + " looks mounted noexec, so libweft cannot be mapped there;"
                    + " point -D" + WORKDIR_PROPERTY + " at a directory that allows execution", t);
        }
        return t;
    }

    /** True when /proc/self/mounts shows the nearest mount above dir with the noexec option. */
    static boolean mountedNoexec(Path dir) {
        try {
            return mountedNoexec(dir.toRealPath().toString(), Files.readAllLines(Path.of("/proc/self/mounts")));
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or /proc unreadable: no hint, the original error stands
        }
    }

    /** The same, over given mount-table lines ("device mountpoint type options ..."). */
    static boolean mountedNoexec(String realDir, List<String> mounts) {
        String best = "";
        boolean noexec = false;
        for (String line : mounts) {
            String[] f = line.split(" ");
            if (f.length < 4) {
                continue;
            }
            String mount = f[1].replace("\\040", " ");
            boolean above = realDir.equals(mount) || realDir.startsWith(mount.endsWith("/") ? mount : mount + "/");
            if (above && mount.length() >= best.length()) {
                best = mount;
                noexec = List.of(f[3].split(",")).contains("noexec");
            }
        }
        return noexec;
    }

    private static Throwable failure(String message, List<Throwable> causes) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(message + ": " + causes.get(causes.size() - 1).getMessage());
        e.initCause(causes.get(causes.size() - 1));
        for (int i = 0; i < causes.size() - 1; i++) {
            e.addSuppressed(causes.get(i));
        }
        return e;
    }
}
