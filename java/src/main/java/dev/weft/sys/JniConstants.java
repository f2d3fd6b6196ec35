package dev.weft.sys;

/**
 * The ABI as libweft's C compiler saw it, read once. {@code JNI_OnLoad} looks this class up
 * (which initialises it) before it registers {@link #constant(String)}, so the reading lives
 * in the nested {@link Abi} class: its static init, run on first use after the library is
 * loaded, calls nothing native but {@code constant}.
 */
final class JniConstants {
    /** Registered by JNI_OnLoad: the value of a C constant, size or offset, or Long.MIN_VALUE. */
    private static native long constant(String name);

    private JniConstants() {
    }

    /** Initialised on first use, after the library is loaded and its natives registered. */
    static final class Abi {
        static final LinuxAbi VALUES = new LinuxAbi(JniConstants::constant);

        private Abi() {
        }
    }
}
