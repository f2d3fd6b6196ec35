package dev.weft.sys;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Encodes {@link InetSocketAddress}es into {@code sockaddr_in} / {@code sockaddr_in6} and
 * decodes them back, in memory the caller owns (a native-order direct buffer), using the
 * offsets of a {@link LinuxAbi}. Ports and IPv4/IPv6 addresses are in network byte order;
 * the family and the scope id in host order, as the kernel expects.
 *
 * <p>Thread-safety: immutable; the buffer passed in is the caller's to guard.
 */
public final class Sockaddr {
    private final LinuxAbi abi;

    public Sockaddr(LinuxAbi abi) {
        this.abi = abi;
    }

    /** The size of memory that can hold any address this class encodes or decodes. */
    public int capacity() {
        return abi.sockaddrStorageSize;
    }

    /**
     * Writes {@code address} at offset 0 of {@code mem} and returns the encoded length.
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public int encode(InetSocketAddress address, ByteBuffer mem) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it before connecting or binding");
        }
        int port = address.getPort();
        for (int i = 0; i < abi.sockaddrIn6Size; i++) {
            mem.put(i, (byte) 0);
        }
        if (ip instanceof Inet4Address) {
            mem.putShort(abi.sockaddrInFamilyOffset, (short) abi.AF_INET);
            putPort(mem, abi.sockaddrInPortOffset, port);
            mem.put(abi.sockaddrInAddrOffset, ip.getAddress(), 0, 4);
            return abi.sockaddrInSize;
        }
        mem.putShort(abi.sockaddrIn6FamilyOffset, (short) abi.AF_INET6);
        putPort(mem, abi.sockaddrIn6PortOffset, port);
        mem.put(abi.sockaddrIn6AddrOffset, ip.getAddress(), 0, 16);
        mem.putInt(abi.sockaddrIn6ScopeIdOffset, ((Inet6Address) ip).getScopeId());
        return abi.sockaddrIn6Size;
    }

    /**
     * Reads the address at offset 0 of {@code mem}, {@code length} bytes long as the kernel
     * reported it.
     *
     * @throws IllegalStateException for a family other than IPv4 or IPv6, or a short length
     */
    public InetSocketAddress decode(ByteBuffer mem, int length) {
        int family = mem.getShort(abi.sockaddrInFamilyOffset) & 0xFFFF;
        try {
            if (family == abi.AF_INET && length >= abi.sockaddrInSize) {
                byte[] ip = new byte[4];
                mem.get(abi.sockaddrInAddrOffset, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), getPort(mem, abi.sockaddrInPortOffset));
            }
            if (family == abi.AF_INET6 && length >= abi.sockaddrIn6Size) {
                byte[] ip = new byte[16];
                mem.get(abi.sockaddrIn6AddrOffset, ip, 0, 16);
                int scope = mem.getInt(abi.sockaddrIn6ScopeIdOffset);
                InetAddress addr = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(addr, getPort(mem, abi.sockaddrIn6PortOffset));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the kernel returned a malformed address", e);
        }
        throw new IllegalStateException("unsupported socket address: family " + family + ", length " + length);
    }

    private static void putPort(ByteBuffer mem, int offset, int port) {
        mem.put(offset, (byte) (port >>> 8));
        mem.put(offset + 1, (byte) port);
    }

    private static int getPort(ByteBuffer mem, int offset) {
        return ((mem.get(offset) & 0xFF) << 8) | (mem.get(offset + 1) & 0xFF);
    }
}
