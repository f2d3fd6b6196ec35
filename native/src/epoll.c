/* epoll: create, control, and wait into a caller-owned off-heap epoll_event array. */
#include <sys/epoll.h>
#include "weft.h"

static jint epoll_open(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(epoll_create1(EPOLL_CLOEXEC));
}

/* data is the 64-bit token stored in epoll_data.u64 and handed back with each event. */
static jint epoll_control(JNIEnv *env, jclass cls, jint epfd, jint op, jint fd, jint events, jlong data) {
    (void)env; (void)cls;
    struct epoll_event ev = { .events = (uint32_t)events, .data.u64 = (uint64_t)data };
    return (jint)WEFT_RETRY(epoll_ctl(epfd, op, fd, &ev));
}

/* events_addr points to max_events epoll_events; Java checked the array's size. */
static jint epoll_wait_into(JNIEnv *env, jclass cls, jint epfd, jlong events_addr, jint max_events, jint timeout_ms) {
    (void)env; (void)cls;
    return (jint)WEFT_RETRY(epoll_wait(epfd, WEFT_PTR(events_addr), max_events, timeout_ms));
}

static const JNINativeMethod methods[] = {
    { "epollCreate0", "()I", (void *)epoll_open },
    { "epollCtl0", "(IIIIJ)I", (void *)epoll_control },
    { "epollWait0", "(IJII)I", (void *)epoll_wait_into },
};

int weft_register_epoll(JNIEnv *env, jclass cls) {
    return (*env)->RegisterNatives(env, cls, methods, WEFT_METHODS(methods));
}
