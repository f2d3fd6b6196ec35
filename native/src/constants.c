/*
 * The kernel ABI as this C compiler sees it: flag values, errno numbers, struct sizes and
 * field offsets, looked up by name. Java reads each one once, when JniConstants initialises,
 * so no value is written twice by hand on the JNI path.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "weft.h"

struct weft_constant {
    const char *name;
    long value;
};

#define C(name) { #name, (long)(name) }
#define SIZE(type) { "sizeof_" #type, (long)sizeof(struct type) }
#define OFFSET(type, field) { "offsetof_" #type "_" #field, (long)offsetof(struct type, field) }

static const struct weft_constant constants[] = {
    C(EPOLLIN), C(EPOLLOUT), C(EPOLLRDHUP), C(EPOLLERR), C(EPOLLHUP), C(EPOLLET),
    C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD), C(EPOLL_CTL_DEL), C(EPOLL_CLOEXEC),
    C(EFD_NONBLOCK), C(EFD_CLOEXEC),
    SIZE(epoll_event), OFFSET(epoll_event, events), OFFSET(epoll_event, data),
    C(AF_INET), C(AF_INET6), C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
    C(SOL_SOCKET), C(IPPROTO_TCP), C(IPPROTO_IPV6), C(IPV6_V6ONLY), C(TCP_NODELAY),
    C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_KEEPALIVE), C(SO_RCVBUF), C(SO_SNDBUF), C(SO_LINGER),
    C(SO_ERROR), C(F_DUPFD_CLOEXEC), C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR), C(F_GETFL), C(O_NONBLOCK), C(MSG_NOSIGNAL),
    SIZE(sockaddr_in), OFFSET(sockaddr_in, sin_family), OFFSET(sockaddr_in, sin_port), OFFSET(sockaddr_in, sin_addr),
    SIZE(sockaddr_in6), OFFSET(sockaddr_in6, sin6_family), OFFSET(sockaddr_in6, sin6_port),
    OFFSET(sockaddr_in6, sin6_flowinfo), OFFSET(sockaddr_in6, sin6_addr), OFFSET(sockaddr_in6, sin6_scope_id),
    SIZE(sockaddr_storage), SIZE(linger), OFFSET(linger, l_onoff), OFFSET(linger, l_linger),
    SIZE(iovec), OFFSET(iovec, iov_base), OFFSET(iovec, iov_len),
    SIZE(msghdr), OFFSET(msghdr, msg_name), OFFSET(msghdr, msg_namelen), OFFSET(msghdr, msg_iov),
    OFFSET(msghdr, msg_iovlen), OFFSET(msghdr, msg_flags),
    C(EPERM), C(ENOENT), C(EINTR), C(EIO), C(EBADF), C(EAGAIN), C(ENOMEM), C(EACCES), C(EFAULT),
    C(EEXIST), C(EINVAL), C(ENFILE), C(EMFILE), C(ENOSPC), C(EPIPE), C(ENOSYS), C(ENOTSOCK),
    C(EDESTADDRREQ), C(EMSGSIZE), C(ENOPROTOOPT), C(EPROTONOSUPPORT), C(EOPNOTSUPP), C(EAFNOSUPPORT),
    C(EADDRINUSE), C(EADDRNOTAVAIL), C(ENETDOWN), C(ENETUNREACH), C(ECONNABORTED), C(ECONNRESET),
    C(ENOBUFS), C(EISCONN), C(ENOTCONN), C(ETIMEDOUT), C(ECONNREFUSED), C(EHOSTDOWN), C(EHOSTUNREACH),
    C(EALREADY), C(EINPROGRESS),
};

/* Returns the value, or Long.MIN_VALUE for a name this library does not know. */
static jlong constant_named(JNIEnv *env, jclass cls, jstring name) {
    (void)cls;
    jlong result = (jlong)INT64_MIN;
    const char *utf = (*env)->GetStringUTFChars(env, name, NULL);
    if (utf == NULL) {
        return result; /* OutOfMemoryError is pending in Java */
    }
    for (size_t i = 0; i < WEFT_METHODS(constants); i++) {
        if (strcmp(constants[i].name, utf) == 0) {
            result = (jlong)constants[i].value;
            break;
        }
    }
    (*env)->ReleaseStringUTFChars(env, name, utf);
    return result;
}

static const JNINativeMethod methods[] = {
    { "constant", "(Ljava/lang/String;)J", (void *)constant_named },
};

int weft_register_constants(JNIEnv *env, jclass cls) {
    return (*env)->RegisterNatives(env, cls, methods, WEFT_METHODS(methods));
}
