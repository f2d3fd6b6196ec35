/*
 * Sockets: creation, naming, connection setup and options. Socket addresses and option
 * values live in caller-owned memory whose size Java checked; Java encodes and decodes them.
 */
#include <sys/socket.h>
#include "weft.h"

/* type may carry SOCK_NONBLOCK | SOCK_CLOEXEC; Java always asks for both. */
static jint socket_open(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(socket(domain, type, protocol));
}

static jint socket_bind(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(bind(fd, WEFT_PTR(addr), (socklen_t)len));
}

static jint socket_listen(JNIEnv *env, jclass cls, jint fd, jint backlog) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(listen(fd, backlog));
}

/* addr and len_addr may both be 0 when the peer's address is not wanted. */
static jint socket_accept(JNIEnv *env, jclass cls, jint fd, jlong addr, jlong len_addr, jint flags) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(accept4(fd, WEFT_PTR(addr), WEFT_PTR(len_addr), flags));
}

/*
 * Not retried: a connect interrupted by a signal goes on in the background (POSIX), and
 * calling it again would say EALREADY. Report it as in progress; SO_ERROR gives the outcome.
 */
static jint socket_connect(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len) {
    (void)env; (void)cls;
    if (connect(fd, WEFT_PTR(addr), (socklen_t)len) == 0) {
        return 0;
    }
    return errno == EINTR ? -EINPROGRESS : -errno;
}

static jint socket_shutdown(JNIEnv *env, jclass cls, jint fd, jint how) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(shutdown(fd, how));
}

static jint socket_name(JNIEnv *env, jclass cls, jint fd, jlong addr, jlong len_addr) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(getsockname(fd, WEFT_PTR(addr), WEFT_PTR(len_addr)));
}

static jint peer_name(JNIEnv *env, jclass cls, jint fd, jlong addr, jlong len_addr) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(getpeername(fd, WEFT_PTR(addr), WEFT_PTR(len_addr)));
}

static jint socket_setopt(JNIEnv *env, jclass cls, jint fd, jint level, jint name, jlong value, jint len) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(setsockopt(fd, level, name, WEFT_PTR(value), (socklen_t)len));
}

static jint socket_getopt(JNIEnv *env, jclass cls, jint fd, jint level, jint name, jlong value, jlong len_addr) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(getsockopt(fd, level, name, WEFT_PTR(value), WEFT_PTR(len_addr)));
}

static const JNINativeMethod methods[] = {
    { "socket0", "(III)I", (void *)socket_open },
    { "bind0", "(IJI)I", (void *)socket_bind },
    { "listen0", "(II)I", (void *)socket_listen },
    { "accept40", "(IJJI)I", (void *)socket_accept },
    { "connect0", "(IJI)I", (void *)socket_connect },
    { "shutdown0", "(II)I", (void *)socket_shutdown },
    { "getsockname0", "(IJJ)I", (void *)socket_name },
    { "getpeername0", "(IJJ)I", (void *)peer_name },
    { "setsockopt0", "(IIIJI)I", (void *)socket_setopt },
    { "getsockopt0", "(IIIJJ)I", (void *)socket_getopt },
};

int weft_register_socket(JNIEnv *env, jclass cls) {
    return (*env)->RegisterNatives(env, cls, methods, WEFT_METHODS(methods));
}
