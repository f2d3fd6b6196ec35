package dev.weft.bench.server;

import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/** The Weft servers under test, per available backend (none until dev.weft.net lands). */
final class WeftServers {
    private WeftServers() {
    }

    static List<Arguments> httpServers() {
        return List.of();
    }
}
