/* Descriptor housekeeping (close, fcntl) and the trivial calls used to time a binding itself. */
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include "weft.h"

/*
 * Never retried: on Linux the descriptor is released even when close reports EINTR, and a
 * retry could close a descriptor another thread has just been given.
 */
static jint fd_close(JNIEnv *env, jclass cls, jint fd) {
    (void)env; (void)cls;
    if (close(fd) == 0 || errno == EINTR) {
        return 0;
    }
    return -errno;
}

static jint fd_fcntl(JNIEnv *env, jclass cls, jint fd, jint cmd, jint arg) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(fcntl(fd, cmd, arg));
}

static jint process_id(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return (jint)getpid();
}

/* The CPU this thread runs on: glibc answers from rseq or the vDSO, without entering the kernel. */
static jint current_cpu(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    int cpu = sched_getcpu();
    return cpu < 0 ? -errno : cpu;
}

/* The address of a direct buffer's memory (0 for a heap buffer); Java caches it where it can. */
static jlong buffer_address(JNIEnv *env, jclass cls, jobject buffer) {
    (void)cls;
    return (jlong)(intptr_t)(*env)->GetDirectBufferAddress(env, buffer);
}

static const JNINativeMethod methods[] = {
    { "close0", "(I)I", (void *)fd_close },
    { "fcntl0", "(III)I", (void *)fd_fcntl },
    { "getpid0", "()I", (void *)process_id },
    { "schedGetcpu0", "()I", (void *)current_cpu },
    { "bufferAddress", "(Ljava/nio/ByteBuffer;)J", (void *)buffer_address },
};

int weft_register_fd(JNIEnv *env, jclass cls) {
    return (*env)->RegisterNatives(env, cls, methods, WEFT_METHODS(methods));
}
