/**
 * Weft: an asynchronous I/O runtime (see the README). The module exports its public packages
 * only: the entry points ({@code dev.weft}), the task vocabulary ({@code dev.weft.task}), time,
 * networking and channels. The layers below them (the native binding, the pollers, the timer
 * wheel, the scheduler) stay inside, with one exception: {@code dev.weft.sys.jnr}, the interface
 * jnr-ffi implements with a class it generates in an unnamed module of its own, which can only
 * implement an interface from a package exported to everyone (it is not API).
 *
 * <p>jnr-ffi is the fallback binding, used when the JNI library cannot be loaded; on the module
 * path it also needs its own dependencies resolved ({@code --add-modules ALL-MODULE-PATH}), as
 * jnr-ffi is an automatic module that declares none.
 */
module dev.weft {
    requires java.management;
    requires jdk.jfr;
    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;

    exports dev.weft;
    exports dev.weft.task;
    exports dev.weft.time;
    exports dev.weft.net;
    exports dev.weft.sync;
    exports dev.weft.sys.jnr;
}
