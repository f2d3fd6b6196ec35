/*
 * Library entry point: registers every native with RegisterNatives, so no symbol but
 * JNI_OnLoad is exported and a missing or misspelt native fails the load, not a later call.
 */
#include "weft.h"

static int register_all(JNIEnv *env, const char *class_name, int (*const *registrars)(JNIEnv *, jclass), int count) {
    jclass cls = (*env)->FindClass(env, class_name);
    if (cls == NULL) {
        return -1; /* NoClassDefFoundError is pending */
    }
    for (int i = 0; i < count; i++) {
        if (registrars[i](env, cls) != JNI_OK) {
            return -1; /* NoSuchMethodError is pending */
        }
    }
    (*env)->DeleteLocalRef(env, cls);
    return 0;
}

WEFT_EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    static int (*const syscalls[])(JNIEnv *, jclass) = {
        weft_register_epoll, weft_register_eventfd, weft_register_socket, weft_register_io, weft_register_fd,
    };
    static int (*const constants[])(JNIEnv *, jclass) = { weft_register_constants };
    if (register_all(env, WEFT_SYSCALLS_CLASS, syscalls, (int)WEFT_METHODS(syscalls)) != 0
        || register_all(env, WEFT_CONSTANTS_CLASS, constants, (int)WEFT_METHODS(constants)) != 0) {
        return JNI_ERR;
    }
    return JNI_VERSION_1_8;
}
