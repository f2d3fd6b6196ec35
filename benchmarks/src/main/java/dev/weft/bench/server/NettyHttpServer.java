package dev.weft.bench.server;

import dev.weft.bench.server.http.HttpRequestScanner;
import dev.weft.bench.server.http.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Plaintext HTTP/1.1 server on Netty's epoll transport, in the style of Netty's own examples:
 * {@code HttpServerCodec} (request line and headers capped at 8 KiB each) and a handler that
 * answers every request with "Hello, World!" in order (pipelining), flushing once per read
 * batch. A decoding failure is answered with 431 (too-long line or headers) or 400, then the
 * connection is closed. Reading pauses while the channel is not writable.
 *
 * <p>Usage: {@code java -cp weft-benchmarks.jar dev.weft.bench.server.NettyHttpServer PORT WORKERS}
 */
public final class NettyHttpServer {

    public static void main(String[] args) throws Exception {
        BenchServer.serveForever("netty-http", start(ServerArgs.parse("NettyHttpServer", args)));
    }

    /** Starts the server in this process. */
    public static BenchServer start(ServerArgs args) throws InterruptedException {
        return NettyServer.start(args, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpDecoderConfig config = new HttpDecoderConfig()
                        .setMaxInitialLineLength(HttpRequestScanner.MAX_HEAD_BYTES)
                        .setMaxHeaderSize(HttpRequestScanner.MAX_HEAD_BYTES);
                ch.pipeline().addLast(new HttpServerCodec(config), new PlaintextHandler());
            }
        });
    }

    static final class PlaintextHandler extends ChannelInboundHandlerAdapter {
        private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes(HttpResponses.HELLO.getBytes(StandardCharsets.US_ASCII)));

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                DecoderResult result = msg instanceof HttpRequest ? ((HttpRequest) msg).decoderResult() : null;
                if (result != null && result.isFailure()) {
                    Throwable cause = result.cause();
                    boolean tooLong = cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException;
                    sendErrorAndClose(ctx, tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                            : HttpResponseStatus.BAD_REQUEST);
                } else if (msg instanceof HttpRequest) {
                    answer(ctx, (HttpRequest) msg);
                }
                // Body chunks (HttpContent) are discarded: the plaintext answer does not depend on them.
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void answer(ChannelHandlerContext ctx, HttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HELLO.duplicate());
            HttpHeaders h = res.headers();
            h.set(HttpHeaderNames.SERVER, HttpResponses.SERVER);
            h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, HttpResponses.HELLO.length());
            if (!keepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            h.set(HttpHeaderNames.DATE, HttpResponses.dateValue());
            if (keepAlive) {
                ctx.write(res, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static void sendErrorAndClose(ChannelHandlerContext ctx, HttpResponseStatus status) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
            res.headers().set(HttpHeaderNames.SERVER, HttpResponses.SERVER)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.DATE, HttpResponses.dateValue());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
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
