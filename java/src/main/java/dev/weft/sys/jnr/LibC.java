package dev.weft.sys.jnr;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions, as jnr-ffi binds them for {@link dev.weft.sys.JnrSyscalls}. Pointers are
 * {@code long} addresses. Internal, not API: it has a package of its own only because jnr-ffi
 * implements it with a class it generates in a class loader of its own (an unnamed module), which
 * can implement an interface only from a package exported to everyone; the module exports this
 * package so that the jnr-ffi binding also works on the module path, and nothing else of
 * {@code dev.weft.sys}.
 */
public interface LibC {
    @IgnoreError int getpid();
    @IgnoreError int sched_getcpu();
    @IgnoreError long __errno_location();
    @IgnoreError int epoll_create1(int flags);
    @IgnoreError int epoll_ctl(int epfd, int op, int fd, long event);
    @IgnoreError int epoll_wait(int epfd, long events, int maxEvents, int timeout);
    @IgnoreError int eventfd(int initval, int flags);
    @IgnoreError int eventfd_write(int fd, long value);
    @IgnoreError int eventfd_read(int fd, long valueAddress);
    @IgnoreError int socket(int domain, int type, int protocol);
    @IgnoreError int bind(int fd, long addr, int len);
    @IgnoreError int listen(int fd, int backlog);
    @IgnoreError int accept4(int fd, long addr, long lenAddr, int flags);
    @IgnoreError int connect(int fd, long addr, int len);
    @IgnoreError int shutdown(int fd, int how);
    @IgnoreError int getsockname(int fd, long addr, long lenAddr);
    @IgnoreError int getpeername(int fd, long addr, long lenAddr);
    @IgnoreError int setsockopt(int fd, int level, int name, long value, int len);
    @IgnoreError int getsockopt(int fd, int level, int name, long value, long lenAddr);
    @IgnoreError @ssize_t long read(int fd, long buf, @size_t long count);
    @IgnoreError @ssize_t long write(int fd, long buf, @size_t long count);
    @IgnoreError @ssize_t long readv(int fd, long iov, int count);
    @IgnoreError @ssize_t long writev(int fd, long iov, int count);
    @IgnoreError @ssize_t long send(int fd, long buf, @size_t long len, int flags);
    @IgnoreError @ssize_t long recv(int fd, long buf, @size_t long len, int flags);
    @IgnoreError @ssize_t long sendmsg(int fd, long msghdr, int flags);
    @IgnoreError @ssize_t long recvmsg(int fd, long msghdr, int flags);
    @IgnoreError int close(int fd);
    @IgnoreError int fcntl(int fd, int cmd, int arg);
}
