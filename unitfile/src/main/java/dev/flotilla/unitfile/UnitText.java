package dev.flotilla.unitfile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns raw bytes into unit text, enforcing the limits before anything else looks at the input:
 * at most {@link UnitFile#MAX_BYTES} in all, {@link UnitFile#MAX_LINE_BYTES} per line, strict
 * UTF-8 and no NUL. Line breaks are counted the way systemd's reader counts them ({@code \n},
 * {@code \r}, {@code \r\n}, {@code \n\r}), so line numbers agree with the parser's.
 */
final class UnitText {

    private UnitText() {
    }

    static String decode(byte[] bytes) {
        if (bytes == null) {
            throw new UnitFileException(0, "unit text is missing");
        }
        if (bytes.length > UnitFile.MAX_BYTES) {
            throw tooLarge();
        }
        boolean ascii = true;
        int line = 1;
        int lineStart = 0;
        int n = bytes.length;
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                checkLineLength(i - lineStart, line);
                if (i + 1 < n && (bytes[i + 1] == '\n' || bytes[i + 1] == '\r') && bytes[i + 1] != b) {
                    i++;
                }
                line++;
                lineStart = i + 1;
            } else if (b == 0) {
                throw nul(line);
            } else if (b < 0) {
                ascii = false;
            }
        }
        checkLineLength(n - lineStart, line);
        if (ascii) {
            // Fast path for the common case; every byte below 0x80 is the same in Latin-1 and UTF-8.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in).toString();
        } catch (CharacterCodingException e) {
            // The decoder leaves the buffer at the start of the bad sequence.
            int offset = in.position();
            throw new UnitFileException(lineOfByte(bytes, offset),
                    "the text is not valid UTF-8 (bad byte sequence at byte offset " + offset + ")");
        }
    }

    /** Applies the same limits to text that arrived as a String; returns it unchanged. */
    static String check(String text) {
        if (text == null) {
            throw new UnitFileException(0, "unit text is missing");
        }
        int n = text.length();
        if (n > UnitFile.MAX_BYTES) {
            throw tooLarge();
        }
        long total = 0;
        int line = 1;
        int lineBytes = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                checkLineLength(lineBytes, line);
                total += lineBytes + 1;
                if (i + 1 < n && (text.charAt(i + 1) == '\n' || text.charAt(i + 1) == '\r') && text.charAt(i + 1) != c) {
                    i++;
                    total++;
                }
                line++;
                lineBytes = 0;
            } else if (c == 0) {
                throw nul(line);
            } else if (c < 0x80) {
                lineBytes++;
            } else if (c < 0x800) {
                lineBytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                lineBytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new UnitFileException(line, "the text is not valid UTF-8 (unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ")");
            } else {
                lineBytes += 3;
            }
        }
        checkLineLength(lineBytes, line);
        if (total + lineBytes > UnitFile.MAX_BYTES) {
            throw tooLarge();
        }
        return text;
    }

    /** Reads at most one byte past the limit, so a huge file is refused without being read whole. */
    static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(UnitFile.MAX_BYTES + 1);
        }
    }

    private static void checkLineLength(int bytes, int line) {
        if (bytes > UnitFile.MAX_LINE_BYTES) {
            throw new UnitFileException(line, "the line is longer than " + UnitFile.MAX_LINE_BYTES
                    + " bytes (64 KiB), the limit for one line");
        }
    }

    private static UnitFileException tooLarge() {
        return new UnitFileException(0, "the unit file is larger than " + UnitFile.MAX_BYTES
                + " bytes (512 KiB), the limit for a unit file");
    }

    private static UnitFileException nul(int line) {
        return new UnitFileException(line, "the text contains a NUL character");
    }

    private static int lineOfByte(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (i + 1 < offset && (bytes[i + 1] == '\n' || bytes[i + 1] == '\r') && bytes[i + 1] != b) {
                    i++;
                }
                line++;
            }
        }
        return line;
    }
}
