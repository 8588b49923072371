package dev.flotilla.json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Compact JSON as UTF-8 bytes: into a growing buffer, or a buffer at a time (past {@link #FLUSH_AT})
 * on to a stream or into a list of chunks.
 * Strings are escaped as Jackson did: {@code \"}, {@code \\}, {@code \b \t \n \f \r}, other
 * control characters as a backslash-u escape (00XX) (upper-case hex); everything else, non-ASCII included,
 * as UTF-8. A lone surrogate, which UTF-8 cannot hold, is written as its {@code \\uXXXX} escape.
 */
final class Output {
    static final int FLUSH_AT = 32 << 10;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** For each ASCII character: 0 = as it is, 1 = \\u00XX, else the letter after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 1;
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\f'] = 'f';
        ESCAPE['\r'] = 'r';
    }

    private final OutputStream sink;
    private final List<ByteBuffer> chunks;
    /** Full buffers leave (to the stream or the chunks) rather than grow. */
    private final boolean passing;
    private byte[] buf;
    private int len;

    /** @param sink where full buffers go; null to keep everything in memory ({@link #toBytes()}) */
    Output(OutputStream sink, int initialCapacity) {
        this(sink, null, initialCapacity);
    }

    private Output(OutputStream sink, List<ByteBuffer> chunks, int initialCapacity) {
        this.sink = sink;
        this.chunks = chunks;
        this.passing = sink != null || chunks != null;
        this.buf = new byte[Math.max(64, initialCapacity)];
    }

    /**
     * Everything in memory as chunks of about {@link #FLUSH_AT} bytes, each buffer handed over as it
     * fills ({@link #flush()} adds the last): no buffer grows by copying, and none is large.
     */
    static Output chunked(List<ByteBuffer> chunks) {
        return new Output(null, chunks, FLUSH_AT + 1024);
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }


    /** Hands what is buffered to the stream. */
    void flush() {
        if (chunks != null && len > 0) {
            chunks.add(ByteBuffer.wrap(buf, 0, len));
            buf = new byte[buf.length];
            len = 0;
        } else if (sink != null && len > 0) {
            try {
                sink.write(buf, 0, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            len = 0;
        }
    }

    private void room(int n) {
        if (len + n > buf.length) {
            if (passing && len > 0) {
                flush();
                if (n <= buf.length) {
                    return;
                }
            }
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    void put(char ascii) {
        if (len == buf.length) {
            room(1);
        }
        buf[len++] = (byte) ascii;
        if (passing && len >= FLUSH_AT) {
            flush();
        }
    }

    /** Bytes already in JSON form (a field name with its quotes and colon). */
    void raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    /** Text known to be ASCII with nothing to escape: numbers, literals. */
    void ascii(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** A whole number's digits, written as Long.toString would, without making that string. */
    void number(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        room(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long rest = v / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
    }

    void string(String s) {
        int n = s.length();
        // at most six bytes a char (a six-character escape): reserve once, then no bounds checks per char
        room(n * 6 + 2);
        byte[] buf = this.buf;
        int len = this.len;
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPE[c];
                if (e == 0) {
                    buf[len++] = (byte) c;
                } else if (e == 1) {
                    buf[len++] = '\\';
                    buf[len++] = 'u';
                    buf[len++] = '0';
                    buf[len++] = '0';
                    buf[len++] = HEX[c >> 4];
                    buf[len++] = HEX[c & 0xf];
                } else {
                    buf[len++] = '\\';
                    buf[len++] = e;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xf0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                buf[len++] = '\\';
                buf[len++] = 'u';
                buf[len++] = HEX[c >> 12];
                buf[len++] = HEX[(c >> 8) & 0xf];
                buf[len++] = HEX[(c >> 4) & 0xf];
                buf[len++] = HEX[c & 0xf];
            } else {
                buf[len++] = (byte) (0xe0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        buf[len++] = '"';
        this.len = len;
        if (passing && len >= FLUSH_AT) {
            flush();
        }
    }
}
