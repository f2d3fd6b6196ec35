package dev.weft.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** -errno results become the exceptions a JDK socket would throw, with the errno named. */
class ErrnoTest {
    private final LinuxAbi abi = LinuxAbi.expected();
    private final Errno errno = new Errno(abi);

    private IOException of(String name) {
        return errno.exception("op", -abi.errno(name));
    }

    @Test
    void refusedConnectionsAreConnectExceptions() {
        IOException e = of("ECONNREFUSED");
        assertInstanceOf(ConnectException.class, e);
        assertEquals("op: ECONNREFUSED (Connection refused)", e.getMessage());
    }

    @Test
    void aClosedDescriptorIsAClosedChannel() {
        IOException e = of("EBADF");
        assertInstanceOf(ClosedChannelException.class, e);
        assertEquals("op: EBADF (Bad file descriptor)", e.getCause().getMessage());
    }

    @Test
    void resetsAndBrokenPipesAreSocketExceptionsNamingTheErrno() {
        SyscallException reset = assertInstanceOf(SyscallException.class, of("ECONNRESET"));
        assertEquals("op: ECONNRESET (Connection reset by peer)", reset.getMessage());
        assertEquals("ECONNRESET", reset.errnoName());
        assertEquals(abi.ECONNRESET, reset.errno());
        SyscallException pipe = assertInstanceOf(SyscallException.class, of("EPIPE"));
        assertEquals("op: EPIPE (Broken pipe)", pipe.getMessage());
    }

    @Test
    void addressAndRouteErrorsGetTheirJdkTypes() {
        assertInstanceOf(BindException.class, of("EADDRINUSE"));
        assertInstanceOf(NoRouteToHostException.class, of("EHOSTUNREACH"));
        assertInstanceOf(ConnectException.class, of("ETIMEDOUT"));
        assertEquals("EMFILE", ((SyscallException) of("EMFILE")).errnoName());
    }

    @Test
    void whatTheJdkReportsByTextBecomesTheSameExceptionAsItsErrno() {
        SyscallException emfile = assertInstanceOf(SyscallException.class,
                Errno.fromJdk("accept", new IOException("Too many open files")));
        assertEquals("accept: EMFILE (Too many open files)", emfile.getMessage());
        assertEquals("EMFILE", emfile.errnoName());
        assertEquals(0, emfile.errno(), "the JDK does not say the number");
        ConnectException refused = assertInstanceOf(ConnectException.class,
                Errno.fromJdk("connect", new ConnectException("Connection refused")));
        assertEquals("connect: ECONNREFUSED (Connection refused)", refused.getMessage());
        assertEquals("Connection refused", refused.getCause().getMessage(), "the JDK's exception is the cause");
        // the JDK's own words for a reset on read
        assertEquals("ECONNRESET", ((SyscallException) Errno.fromJdk("read",
                new java.net.SocketException("Connection reset"))).errnoName());
        assertEquals("EPIPE", ((SyscallException) Errno.fromJdk("send", new IOException("Broken pipe"))).errnoName());
        assertInstanceOf(BindException.class, Errno.fromJdk("bind", new BindException("Address already in use")));
    }

    @Test
    void aJdkFailureNamingNoKnownErrnoIsLeftAsItIs() {
        IOException closed = new ClosedChannelException();
        assertEquals(closed, Errno.fromJdk("read", closed));
        IOException odd = new IOException("something else entirely");
        assertEquals(odd, Errno.fromJdk("read", odd));
    }

    @Test
    void unnamedNumbersStillSayWhatTheyAre() {
        SyscallException e = assertInstanceOf(SyscallException.class, errno.exception("op", -4095));
        assertEquals("op: errno 4095 (Unknown error 4095)", e.getMessage());
    }

    @Test
    void eagainIsNeverAnException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of("EAGAIN"));
        assertEquals("op: EAGAIN means 'not ready', not an error", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> errno.exception("op", 3));
    }
}
