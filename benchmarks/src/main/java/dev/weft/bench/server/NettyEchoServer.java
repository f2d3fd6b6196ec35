package dev.weft.bench.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * Echo server on Netty's epoll transport: writes back each buffer it reads, flushes once per
 * read batch, and stops reading while the channel is not writable (backpressure).
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.NettyEchoServer PORT WORKERS}
 */
public final class NettyEchoServer {

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("netty-echo", start(ServerArgs.parse("NettyEchoServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) throws InterruptedException {
        EchoHandler handler = new EchoHandler();
        return NettyServer.start(args, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(handler);
            }
        });
    }

    /** Stateless, so one instance serves every connection. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            boolean writable = ctx.channel().isWritable();
            if (!writable) {
                ctx.flush();
            }
            ctx.channel().config().setAutoRead(writable);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
