package dev.weft.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The ABI table jnr-ffi relies on is the one the C compiler sees. */
class LinuxAbiTest {

    @Test
    void theExpectedTableMatchesWhatTheCompilerSaw() {
        assumeTrue(Bindings.jniBuilt(), "libweft was not built here");
        Map<String, Long> fromC = new TreeMap<>(JniSyscalls.load().abi().asMap());
        Map<String, Long> expected = new TreeMap<>(LinuxAbi.expected().asMap());
        assertEquals(expected, fromC);
    }

    @Test
    void aSourceLackingANameFailsNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LinuxAbi(name -> Long.MIN_VALUE));
        assertEquals("the ABI source does not define EPOLLIN", e.getMessage());
    }

    @Test
    void unknownErrnoNamesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinuxAbi.expected().errno("EWHATEVER"));
        assertEquals(true, e.getMessage().startsWith("unknown errno name 'EWHATEVER'"));
    }
}
