package dev.weft.sys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader keeps every failure, and an explicit path is the only place it looks. */
class NativeLibraryTest {

    @Test
    void anExplicitPathThatHoldsNothingFailsWithoutTryingElsewhere(@TempDir Path empty) {
        NativeLibrary.Outcome o = NativeLibrary.load(empty.resolve("nothing-here").toString(), empty.toString());
        assertFalse(o.loaded());
        String msg = o.failure().getMessage();
        assertTrue(msg.contains("cannot load libweft from -Dweft.native.path=" + empty.resolve("nothing-here")), msg);
        assertTrue(msg.contains("nothing else was tried"), msg);
        assertInstanceOf(UnsatisfiedLinkError.class, o.failure().getCause());
    }

    @Test
    void aDirectoryPathMeansTheLibraryFileInIt(@TempDir Path dir) {
        NativeLibrary.Outcome o = NativeLibrary.load(dir.toString(), dir.toString());
        assertFalse(o.loaded());
        assertTrue(o.failure().getCause().getMessage().contains(dir.resolve("libweft.so").toString()),
                o.failure().getCause().getMessage());
    }

    @Test
    void theDefaultSearchFindsTheBuiltLibrary() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Bindings.jniBuilt(), "libweft was not built here");
        NativeLibrary.Outcome o = NativeLibrary.loadOnce();
        assertTrue(o.loaded(), () -> String.valueOf(o.failure()));
    }

    @Test
    void aNoexecWorkDirIsRecognisedFromTheMountTable() {
        java.util.List<String> mounts = java.util.List.of(
                "/dev/vda / ext4 rw,relatime 0 0",
                "tmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0",
                "tmpfs /tmp/exec tmpfs rw 0 0");
        assertTrue(NativeLibrary.mountedNoexec("/tmp/work", mounts));
        assertTrue(NativeLibrary.mountedNoexec("/tmp", mounts));
        assertFalse(NativeLibrary.mountedNoexec("/tmp/exec/work", mounts));
        assertFalse(NativeLibrary.mountedNoexec("/tmpfoo", mounts));
        assertFalse(NativeLibrary.mountedNoexec("/home/me", mounts));
    }
}
