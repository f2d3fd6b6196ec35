package dev.weft.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Netty server on the native epoll transport the way Netty's own examples do: one
 * event-loop group of WORKERS threads serving both the listening socket and the connections,
 * {@code TCP_NODELAY} on, the pooled allocator, and a write-buffer water mark that the
 * handlers use for backpressure.
 */
final class NettyServer {

    private NettyServer() {
    }

    /** Binds 127.0.0.1:{@code port} and returns the running server. */
    static BenchServer start(ServerArgs args, ChannelHandler childInitializer) throws InterruptedException {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's epoll transport is unavailable", Epoll.unavailabilityCause());
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(args.workers(), EpollIoHandler.newFactory());
        Channel ch;
        try {
            ch = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(childInitializer)
                    .bind(new InetSocketAddress("127.0.0.1", args.port()))
                    .sync()
                    .channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        return new BenchServer() {
            @Override
            public int port() {
                return ((InetSocketAddress) ch.localAddress()).getPort();
            }

            @Override
            public void close() {
                ch.close().syncUninterruptibly();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        };
    }
}
