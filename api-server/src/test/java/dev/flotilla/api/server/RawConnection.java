package dev.flotilla.api.server;

import dev.flotilla.api.Pem;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * One client connection written byte by byte, over TLS or a unix socket, for clients that misbehave:
 * writes and reads may come from different threads.
 */
interface RawConnection extends AutoCloseable {
    void write(byte[] bytes) throws IOException;

    /** Reads what has come, at most {@code buf.length} bytes; -1 once the server has closed. */
    int read(byte[] buf) throws IOException;

    /** Everything the server sends until it closes, as text. */
    default String readToClose() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n = read(buf); n >= 0; n = read(buf)) {
            all.write(buf, 0, n);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** What the server sent until {@code marker} came (or it closed), as text. */
    default String readUntil(String marker) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n = read(buf); n >= 0; n = read(buf)) {
            all.write(buf, 0, n);
            if (all.toString(StandardCharsets.UTF_8).contains(marker)) {
                break;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Override
    void close();

    default void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    static RawConnection tls(Path serverCa, int port, int timeoutMillis) throws IOException {
        SSLSocket s;
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(Pem.trustStore(serverCa));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            s = (SSLSocket) ctx.getSocketFactory().createSocket();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        return new RawConnection() {
            @Override
            public void write(byte[] bytes) throws IOException {
                out.write(bytes);
                out.flush();
            }

            @Override
            public int read(byte[] buf) throws IOException {
                return in.read(buf);
            }

            @Override
            public void close() {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        };
    }

    /** Plain TCP to a loopback port. */
    static RawConnection tcp(int port) throws IOException {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        return new RawConnection() {
            @Override
            public void write(byte[] bytes) throws IOException {
                out.write(bytes);
                out.flush();
            }

            @Override
            public int read(byte[] buf) throws IOException {
                return in.read(buf);
            }

            @Override
            public void close() {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        };
    }

    /** A unix socket channel: its reads and writes lock apart, so two threads may use it. */
    static RawConnection unix(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return new RawConnection() {
            @Override
            public void write(byte[] bytes) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }

            @Override
            public int read(byte[] buf) throws IOException {
                return ch.read(ByteBuffer.wrap(buf));
            }

            @Override
            public void close() {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        };
    }
}
