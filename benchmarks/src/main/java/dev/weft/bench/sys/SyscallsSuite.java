package dev.weft.bench.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the syscall benchmarks of this package in one JMH run and reports them side by side:
 * per benchmark and binding the median of the measured iterations with their min-max spread,
 * JMH's mean with its 99.9% error, the ratios of the medians against JNI, and a verdict per
 * acceptance check. Medians because this machine is shared and noisy: one disturbed iteration
 * moves a mean, not a median. Used by {@code scripts/bench.d/syscalls.sh}.
 *
 * <p>Arguments: {@code [--quick] [--out FILE] [--command TEXT]}. {@code --quick} is a smoke run
 * (no fork, one short iteration each; JnrStubBench, which needs a fork, is left out).
 */
public final class SyscallsSuite {
    private static final String[] BINDINGS = {"jni", "jnr", "jnr-noasm", "nio"};

    private SyscallsSuite() {
    }

    /** One cell: the iteration scores of one benchmark under one binding. */
    private record Cell(double[] samples, double mean, double error) {
        double median() {
            double[] s = samples.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        double min() {
            return Arrays.stream(samples).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(samples).max().orElse(Double.NaN);
        }
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = false;
        Path out = Path.of("benchmarks/results/syscalls.md");
        String command = "scripts/bench syscalls";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (--quick, --out FILE, --command TEXT)");
            }
        }
        ChainedOptionsBuilder opts = new OptionsBuilder();
        if (quick) {
            opts.include("dev\\.weft\\.bench\\.sys\\.(BindingOverhead|SyscallBound)Bench\\.")
                    .forks(0).warmupIterations(1).measurementIterations(1)
                    .warmupTime(TimeValue.milliseconds(100)).measurementTime(TimeValue.milliseconds(200));
        } else {
            opts.include("dev\\.weft\\.bench\\.sys\\.(BindingOverhead|SyscallBound|JnrStub)Bench\\.")
                    .forks(1).warmupIterations(3).measurementIterations(7)
                    .warmupTime(TimeValue.milliseconds(500)).measurementTime(TimeValue.milliseconds(700));
        }
        List<String> prepend = new ArrayList<>();
        if (Runtime.version().feature() >= 22) {
            prepend.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 24) {
            prepend.add("--sun-misc-unsafe-memory-access=allow");
        }
        if (!prepend.isEmpty()) {
            opts.jvmArgsPrepend(prepend.toArray(String[]::new));
        }
        Collection<RunResult> results = new Runner(opts.build()).run();

        Map<String, Map<String, Cell>> table = new LinkedHashMap<>();
        for (RunResult rr : results) {
            String full = rr.getParams().getBenchmark();
            String bench = full.substring(full.lastIndexOf('.') + 1);
            String binding = rr.getParams().getParam("binding");
            if (bench.equals("schedGetcpuWithoutAsmStubs")) {
                bench = "schedGetcpu";
                binding = "jnr-noasm";
            }
            List<Double> samples = new ArrayList<>();
            for (BenchmarkResult br : rr.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    samples.add(ir.getPrimaryResult().getScore());
                }
            }
            double err = rr.getPrimaryResult().getScoreError();
            table.computeIfAbsent(bench, k -> new LinkedHashMap<>()).put(binding, new Cell(
                    samples.stream().mapToDouble(Double::doubleValue).toArray(),
                    rr.getPrimaryResult().getScore(), Double.isNaN(err) ? 0 : err));
        }
        String report = render(table);
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown(report, command, quick));
        System.out.println("[syscalls] wrote " + out);
    }

    private static String render(Map<String, Map<String, Cell>> table) {
        StringBuilder sb = new StringBuilder();
        sb.append("Median of the measured iterations [min-max], ns/op; ratios are medians over JNI's.\n\n");
        sb.append("| benchmark | JNI | jnr-ffi | jnr-ffi, no asm stubs | JDK NIO | jnr/JNI | NIO/JNI |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        table.forEach((bench, cells) -> {
            sb.append("| ").append(bench);
            for (String b : BINDINGS) {
                Cell c = cells.get(b);
                sb.append(" | ").append(c == null ? "" : String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", c.median(), c.min(), c.max()));
            }
            sb.append(" | ").append(ratio(cells, "jnr")).append(" | ").append(ratio(cells, "nio")).append(" |\n");
        });
        sb.append("\nJMH mean ± 99.9% error, ns/op:\n\n");
        sb.append("| benchmark | JNI | jnr-ffi | jnr-ffi, no asm stubs | JDK NIO |\n|---|---:|---:|---:|---:|\n");
        table.forEach((bench, cells) -> {
            sb.append("| ").append(bench);
            for (String b : BINDINGS) {
                Cell c = cells.get(b);
                sb.append(" | ").append(c == null ? "" : String.format(Locale.ROOT, "%.1f ± %.1f", c.mean(), c.error()));
            }
            sb.append(" |\n");
        });
        sb.append("\nChecks (JNI against the peer; \"beyond the error\" means the 99.9% intervals do not overlap):\n\n");
        check(sb, table, "schedGetcpu", "jnr", "trivial call, JNI vs jnr-ffi");
        check(sb, table, "schedGetcpu", "jnr-noasm", "trivial call, JNI vs jnr-ffi without its x86-64 stubs");
        check(sb, table, "getpid", "jnr", "getpid, JNI vs jnr-ffi");
        check(sb, table, "fcntlGetfl", "jnr", "fcntl(F_GETFL), JNI vs jnr-ffi");
        for (String bench : List.of("idlePoll", "roundTrip64", "wouldBlockRead", "wakeAndWait")) {
            check(sb, table, bench, "jnr", bench + ", JNI vs jnr-ffi");
            check(sb, table, bench, "nio", bench + ", JNI vs JDK NIO");
        }
        return sb.toString();
    }

    private static String ratio(Map<String, Cell> cells, String b) {
        Cell jni = cells.get("jni");
        Cell other = cells.get(b);
        return jni == null || other == null ? "" : String.format(Locale.ROOT, "%.2f", other.median() / jni.median());
    }

    private static void check(StringBuilder sb, Map<String, Map<String, Cell>> table, String bench, String peer, String label) {
        Map<String, Cell> cells = table.getOrDefault(bench, Map.of());
        Cell jni = cells.get("jni");
        Cell other = cells.get(peer);
        if (jni == null || other == null) {
            return;
        }
        String verdict;
        if (jni.error() == 0 || other.error() == 0) {
            verdict = "single sample, no error estimate";
        } else if (jni.mean() + jni.error() < other.mean() - other.error()) {
            verdict = "JNI faster beyond the error";
        } else if (jni.mean() - jni.error() > other.mean() + other.error()) {
            verdict = "JNI SLOWER beyond the error";
        } else {
            verdict = "within the error of each other";
        }
        sb.append(String.format(Locale.ROOT, "- %s: %.1f vs %.1f ns/op (medians): %s%n", label, jni.median(), other.median(), verdict));
    }

    private static String markdown(String report, String command, boolean quick) {
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        return "# Syscalls: JNI vs jnr-ffi vs JDK NIO, per call\n\n"
                + "Command: `" + command + "`. Measured " + when + " on " + Runtime.getRuntime().availableProcessors()
                + " CPUs, " + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ".\n"
                + (quick ? "\n**Smoke run (WEFT_BENCH_QUICK=1): one short iteration, no fork; not a measurement.**\n" : "")
                + "\n" + report + "\n"
                + "What each row times: `schedGetcpu` never enters the kernel (glibc answers from rseq), so it is the\n"
                + "binding's own overhead; `getpid` and `fcntlGetfl` add the cheapest syscalls; `idlePoll` is\n"
                + "`EpollPoller.poll(0)` (one `epoll_wait(0)` and the decode) against `Selector.selectNow()`;\n"
                + "`roundTrip64` sends 64 bytes over loopback TCP and reads them back (`Posix` with `NativeBuffer`s)\n"
                + "against non-blocking `SocketChannel`s; `wouldBlockRead` is a read that finds nothing (EAGAIN);\n"
                + "`wakeAndWait` is an eventfd write plus the `epoll_wait` it ends, against `Selector.wakeup()` +\n"
                + "`select()`. The \"no asm stubs\" column runs jnr-ffi with `-Djnr.ffi.x86asm.enabled=false`.\n"
                + "\n## Reading\n\n"
                + "Why JNI does not beat jnr-ffi on the trivial call: on x86-64, jnr-ffi 2.2.17 compiles every bound\n"
                + "function into a small machine-code stub and registers it as the JNI native method of a generated\n"
                + "class (`X86MethodGenerator`). A call through it is therefore exactly one JVM native transition, the\n"
                + "same as a call to Weft's registered static natives; the few nanoseconds a trivial call costs are that\n"
                + "transition, which no plain (non-critical) JNI function can skip. Even with the stubs off, jnr-ffi's\n"
                + "generic path (jffi's own JNI invoker) adds only about a nanosecond. Expect the two bindings to tie\n"
                + "within the error on every row here; where jnr-ffi pays more is off this table: a failing call costs\n"
                + "it a second native call to read errno (`wouldBlockRead` hides that under the syscall), and its\n"
                + "x86-64 stubs mis-pass six-argument calls (`sendto` fails with EINVAL), which Weft avoids by\n"
                + "using `sendmsg`/`recvmsg`.\n"
                + "Against the JDK: an idle `epoll_wait(0)` beats `Selector.selectNow()` (no selector locks or key-set\n"
                + "bookkeeping), and an eventfd wake plus wait beats `wakeup()` + `select()` (NIO also reads its\n"
                + "wake-up descriptor back; Weft's eventfd is edge-triggered and never read). A 64-byte loopback round\n"
                + "trip is dominated by the TCP stack: all three are within the error of each other.\n";
    }
}
