package dev.weft.bench.server;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/** The Weft HTTP server under test, once per socket-capable backend that is built here. */
final class WeftServers {
    private WeftServers() {
    }

    static List<Arguments> httpServers() {
        List<Arguments> all = new ArrayList<>();
        String lib = "META-INF/native/linux-x86_64/libweft.so";
        if (WeftServers.class.getClassLoader().getResource(lib) != null) {
            all.add(Arguments.of("weft-epoll-jni", (HttpServersTest.Starter) args ->
                    WeftHttpServer.start(new ServerArgs(args.port(), args.workers(), "EPOLL_JNI"))));
        }
        all.add(Arguments.of("weft-epoll-jnr", (HttpServersTest.Starter) args ->
                WeftHttpServer.start(new ServerArgs(args.port(), args.workers(), "EPOLL_JNR"))));
        return all;
    }
}
