package dev.weft.bench.sys;

import dev.weft.sys.Syscalls;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one trivial call through each binding. {@code sched_getcpu} never enters the
 * kernel (glibc reads it from rseq or the vDSO), so it times the binding's own overhead alone;
 * {@code getpid} and {@code fcntl(F_GETFL)} add the cheapest real syscalls, which cost the
 * same under either binding. (The JDK has no public way to make one raw native call, so NIO
 * has no column here.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BindingOverheadBench {
    @Param({"jni", "jnr"})
    public String binding;

    private Syscalls sys;
    private int fd;
    private int getfl;

    @Setup
    public void open() {
        sys = Bindings.of(binding);
        fd = sys.eventfd(0, sys.abi().EFD_NONBLOCK | sys.abi().EFD_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("eventfd failed: " + fd);
        }
        getfl = sys.abi().F_GETFL;
    }

    @org.openjdk.jmh.annotations.TearDown
    public void close() {
        sys.close(fd);
    }

    @Benchmark
    public int schedGetcpu() {
        return sys.schedGetcpu();
    }

    @Benchmark
    public int getpid() {
        return sys.getpid();
    }

    @Benchmark
    public int fcntlGetfl() {
        return sys.fcntl(fd, getfl, 0);
    }
}
