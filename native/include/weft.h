/*
 * Weft's native layer: thin JNI wrappers over Linux syscalls.
 *
 * Every wrapper takes only ints, longs and raw addresses that the Java side has already
 * checked, makes one syscall, and returns its non-negative result or -errno. Nothing here
 * throws a Java exception or allocates; EINTR is retried here so Java never sees it.
 * Each source file owns one concern and registers its own natives through a
 * weft_register_* function called from JNI_OnLoad.
 */
#ifndef WEFT_H
#define WEFT_H

#include <errno.h>
#include <jni.h>
#include <stdint.h>

/* Visible only to the JVM: everything else stays hidden by -fvisibility=hidden. */
#define WEFT_EXPORT __attribute__((visibility("default")))

/* Java passes addresses as jlong; C wants pointers. */
#define WEFT_PTR(addr) ((void *)(intptr_t)(addr))

/* Runs a syscall expression, retrying on EINTR; yields the result or -errno. */
#define WEFT_RETRY(expr)                                   \
    ({                                                     \
        long weft_r_;                                      \
        do {                                               \
            weft_r_ = (long)(expr);                        \
        } while (weft_r_ < 0 && errno == EINTR);           \
        weft_r_ < 0 ? (long)-errno : weft_r_;              \
    })

/* The Java class whose static natives the syscall files register on. */
#define WEFT_SYSCALLS_CLASS "dev/weft/sys/JniSyscalls"
/* The Java class that reads constants once, at its class init. */
#define WEFT_CONSTANTS_CLASS "dev/weft/sys/JniConstants"

#define WEFT_METHODS(table) (sizeof(table) / sizeof((table)[0]))

int weft_register_epoll(JNIEnv *env, jclass cls);
int weft_register_eventfd(JNIEnv *env, jclass cls);
int weft_register_socket(JNIEnv *env, jclass cls);
int weft_register_io(JNIEnv *env, jclass cls);
int weft_register_fd(JNIEnv *env, jclass cls);
int weft_register_constants(JNIEnv *env, jclass cls);

#endif
