package dev.weft;

/**
 * How the runtime's workers wait for readiness. Also settable with {@code -Dweft.backend=NAME}.
 *
 * <ul>
 *   <li>{@link #AUTO}: the fastest that works here (JNI epoll, then jnr-ffi epoll, then NIO),
 *       logged once with the reason the faster ones were passed over.</li>
 *   <li>{@link #EPOLL_JNI}: epoll through Weft's own JNI library.</li>
 *   <li>{@link #EPOLL_JNR}: epoll through jnr-ffi calling libc.</li>
 *   <li>{@link #NIO}: a {@link java.nio.channels.Selector}; the portable fallback, not the fast path.</li>
 * </ul>
 */
public enum Backend {
    AUTO, EPOLL_JNI, EPOLL_JNR, NIO
}
