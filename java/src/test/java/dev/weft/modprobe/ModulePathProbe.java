package dev.weft.modprobe;

import dev.weft.Runtime;
import dev.weft.Weft;
import dev.weft.task.Async;
import dev.weft.task.Poll;
import java.time.Duration;
import jdk.jfr.Recording;

/**
 * Run by {@link dev.weft.ModulePathTest} in a child JVM with Weft on the module path and this
 * class on the class path (the unnamed module): builds a runtime (its MBean registered, a Flight
 * Recorder recording on), runs a task, a timer and a spawned task, and prints what it saw on one
 * line, or fails.
 */
public final class ModulePathProbe {
    private ModulePathProbe() {
    }

    public static void main(String[] args) throws Exception {
        Module weft = Runtime.class.getModule();
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.WorkerPark").withThreshold(Duration.ZERO);
            recording.start();
            try (Runtime rt = Runtime.builder().workers(2).name("module-probe").build()) {
                int v = rt.blockOn(Async.ready(20).map(x -> x + 22));
                rt.blockOn(Weft.sleep(Duration.ofMillis(2)));
                int spawned = rt.blockOn(cx -> Poll.ready(Weft.spawn(Async.ready(7))))
                        .join();
                System.out.println("module=" + weft.getName()
                        + " backend=" + rt.metrics().backend()
                        + " value=" + (v + spawned)
                        + " polls=" + (rt.metrics().polls() > 0)
                        + " exports.task=" + weft.isExported("dev.weft.task")
                        + " exports.scheduler=" + weft.isExported("dev.weft.scheduler")
                        + " exports.sys=" + weft.isExported("dev.weft.sys"));
            }
            recording.stop();
        }
    }
}
