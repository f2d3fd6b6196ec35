package dev.weft.bench.sys;

import dev.weft.sys.JniSyscalls;
import dev.weft.sys.JnrSyscalls;
import dev.weft.sys.Syscalls;

/** Resolves a benchmark's {@code binding} parameter to a syscall binding. */
final class Bindings {
    private Bindings() {
    }

    static Syscalls of(String name) {
        return switch (name) {
            case "jni" -> JniSyscalls.load();
            case "jnr" -> JnrSyscalls.load();
            default -> throw new IllegalArgumentException("binding '" + name + "' is not jni or jnr");
        };
    }
}
