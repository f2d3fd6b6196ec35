package dev.weft.net;

import java.net.InetSocketAddress;

/**
 * What a {@link UdpSocket} receive got: the sender, the length the datagram really had, and
 * whether it was truncated because the buffer had less room (then only the room's worth was
 * stored, and the rest of the datagram is gone, as UDP defines).
 */
public record Datagram(InetSocketAddress sender, int length, boolean truncated) {
}
