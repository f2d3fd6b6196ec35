package dev.weft.sys;

import java.util.ArrayList;
import java.util.List;

/**
 * The bindings a parameterized test runs against: jnr-ffi always, and JNI whenever the build
 * put libweft on the classpath (where it then must load: a broken library fails the suite
 * rather than silently shrinking it).
 */
public final class Bindings {
    private Bindings() {
    }

    public static boolean jniBuilt() {
        String resource = "META-INF/native/" + NativeLibrary.platform() + "/libweft.so";
        return Bindings.class.getClassLoader().getResource(resource) != null
                || System.getProperty(NativeLibrary.PATH_PROPERTY) != null;
    }

    public static List<Syscalls> available() {
        List<Syscalls> all = new ArrayList<>();
        if (jniBuilt()) {
            all.add(JniSyscalls.load());
        }
        all.add(JnrSyscalls.load());
        return all;
    }

}
