/*
 * Data transfer on addresses. Every send-style call adds MSG_NOSIGNAL: a write to a peer
 * that reset the connection returns -EPIPE instead of killing the process with SIGPIPE.
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "weft.h"

static jint fd_read(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(read(fd, WEFT_PTR(addr), (size_t)len));
}

static jint fd_write(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(write(fd, WEFT_PTR(addr), (size_t)len));
}

static jlong fd_readv(JNIEnv *env, jclass cls, jint fd, jlong iov, jint iovcnt) {
    (void)env; (void)cls;
    return (jlong)WEFT_RETRY(readv(fd, WEFT_PTR(iov), iovcnt));
}

static jlong fd_writev(JNIEnv *env, jclass cls, jint fd, jlong iov, jint iovcnt) {
    (void)env; (void)cls;
    return (jlong)WEFT_RETRY(writev(fd, WEFT_PTR(iov), iovcnt));
}

static jint sock_send(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len, jint flags) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(send(fd, WEFT_PTR(addr), (size_t)len, flags | MSG_NOSIGNAL));
}

static jint sock_recv(JNIEnv *env, jclass cls, jint fd, jlong addr, jint len, jint flags) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(recv(fd, WEFT_PTR(addr), (size_t)len, flags));
}

/* msg points to a struct msghdr that Java filled (its iovecs included). */
static jlong sock_sendmsg(JNIEnv *env, jclass cls, jint fd, jlong msg, jint flags) {
    (void)env; (void)cls;
    return (jlong)WEFT_RETRY(sendmsg(fd, WEFT_PTR(msg), flags | MSG_NOSIGNAL));
}

static jlong sock_recvmsg(JNIEnv *env, jclass cls, jint fd, jlong msg, jint flags) {
    (void)env; (void)cls;
    return (jlong)WEFT_RETRY(recvmsg(fd, WEFT_PTR(msg), flags));
}

static const JNINativeMethod methods[] = {
    { "read0", "(IJI)I", (void *)fd_read },
    { "write0", "(IJI)I", (void *)fd_write },
    { "readv0", "(IJI)J", (void *)fd_readv },
    { "writev0", "(IJI)J", (void *)fd_writev },
    { "send0", "(IJII)I", (void *)sock_send },
    { "recv0", "(IJII)I", (void *)sock_recv },
    { "sendmsg0", "(IJI)J", (void *)sock_sendmsg },
    { "recvmsg0", "(IJI)J", (void *)sock_recvmsg },
};

int weft_register_io(JNIEnv *env, jclass cls) {
    return (*env)->RegisterNatives(env, cls, methods, WEFT_METHODS(methods));
}
