/* eventfd: the poller's wake-up descriptor. Writes add to its counter; reads drain it. */
#include <sys/eventfd.h>
#include <unistd.h>
#include "weft.h"

static jint eventfd_open(JNIEnv *env, jclass cls, jint initval, jint flags) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(eventfd((unsigned int)initval, flags));
}

static jint eventfd_add(JNIEnv *env, jclass cls, jint fd, jlong value) {
    (void)env; (void)cls;
    uint64_t v = (uint64_t)value;
    long r = WEFT_RETRY(write(fd, &v, sizeof v));
    return r < 0 ? (jint)r : 0;
}

/* Returns the counter (reset to zero), or -errno; the counter is far below 2^63 in practice. */
static jlong eventfd_drain(JNIEnv *env, jclass cls, jint fd) {
    (void)env; (void)cls;
    uint64_t v = 0;
    long r = WEFT_RETRY(read(fd, &v, sizeof v));
    return r < 0 ? (jlong)r : (jlong)v;
}

static const JNINativeMethod methods[] = {
    { "eventfd0", "(II)I", (void *)eventfd_open },
    { "eventfdWrite0", "(IJ)I", (void *)eventfd_add },
    { "eventfdRead0", "(I)J", (void *)eventfd_drain },
};

int weft_register_eventfd(JNIEnv *env, jclass cls) {
    return (*env)->RegisterNatives(env, cls, methods, WEFT_METHODS(methods));
}
