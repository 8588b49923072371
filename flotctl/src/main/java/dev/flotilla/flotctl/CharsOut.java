package dev.flotilla.flotctl;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes onto a character writer as they come, so that a large JSON answer is printed a
 * buffer at a time instead of as one string. A character split between two writes is held
 * back (at most 3 bytes) until the rest of it arrives.
 */
final class CharsOut extends OutputStream {
    private final PrintWriter out;
    private final byte[] held = new byte[3];
    private int heldLength;

    CharsOut(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (heldLength > 0) {
            byte[] joined = new byte[heldLength + len];
            System.arraycopy(held, 0, joined, 0, heldLength);
            System.arraycopy(b, off, joined, heldLength, len);
            heldLength = 0;
            write(joined, 0, joined.length);
            return;
        }
        int whole = len - incompleteTail(b, off, len);
        out.write(new String(b, off, whole, StandardCharsets.UTF_8));
        heldLength = len - whole;
        System.arraycopy(b, off + whole, held, 0, heldLength);
    }

    /** How many bytes at the end begin a character that goes on past them (0 to 3). */
    private static int incompleteTail(byte[] b, int off, int len) {
        for (int back = 1; back <= Math.min(3, len); back++) {
            int c = b[off + len - back] & 0xFF;
            if (c < 0x80) {
                return 0; // ASCII: complete
            }
            if (c >= 0xC0) { // a lead byte: how long its sequence is
                int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                return need > back ? back : 0;
            }
        }
        return 0;
    }

    @Override
    public void flush() {
        out.flush();
    }
}
