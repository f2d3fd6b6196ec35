package dev.weft.bench.sys;

import dev.weft.sys.JnrSyscalls;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Why jnr-ffi keeps up with JNI on a trivial call: on x86-64 it compiles each bound function
 * into a machine-code stub registered as a JNI native, so its call path is the JVM's own JNI
 * transition, the same as Weft's. This times the same {@code sched_getcpu} with those stubs
 * switched off ({@code -Djnr.ffi.x86asm.enabled=false}, in a fork of its own), i.e. jnr-ffi's
 * generic path, which is what it costs where no stub generator exists.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Djnr.ffi.x86asm.enabled=false")
public class JnrStubBench {
    private JnrSyscalls sys;

    @Setup
    public void open() {
        if (!"false".equals(System.getProperty("jnr.ffi.x86asm.enabled"))) {
            throw new IllegalStateException("run forked (-f 1 or more): this needs -Djnr.ffi.x86asm.enabled=false at JVM start");
        }
        sys = JnrSyscalls.load();
    }

    @Benchmark
    public int schedGetcpuWithoutAsmStubs() {
        return sys.schedGetcpu();
    }
}
