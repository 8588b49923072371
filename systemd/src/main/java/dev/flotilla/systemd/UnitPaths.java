package dev.flotilla.systemd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * systemd's unit object paths: {@code /org/freedesktop/systemd1/unit/<label>} where every byte of the
 * name outside [A-Za-z0-9], and a leading digit, becomes {@code _xx} (lowercase hex). Decoding lets
 * a PropertiesChanged signal, which carries only the path, be mapped to a unit name without a call.
 */
final class UnitPaths {

    static final String PREFIX = "/org/freedesktop/systemd1/unit/";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private UnitPaths() {
    }

    static String path(String unitName) {
        byte[] bytes = unitName.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(PREFIX.length() + bytes.length * 2);
        sb.append(PREFIX);
        if (bytes.length == 0) {
            return sb.append('_').toString();
        }
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
            boolean digit = b >= '0' && b <= '9';
            if (letter || (digit && i > 0)) {
                sb.append((char) b);
            } else {
                sb.append('_').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return sb.toString();
    }

    /** The unit name for a unit object path, or empty if the path is not a (well-formed) unit path. */
    static Optional<String> unitName(String path) {
        if (path == null || !path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
            return Optional.empty();
        }
        String label = path.substring(PREFIX.length());
        if (label.equals("_")) {
            return Optional.of("");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '_') {
                if (i + 2 >= label.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(label.charAt(i + 1), 16);
                int lo = Character.digit(label.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80 && Character.isLetterOrDigit(c)) {
                out.write(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }
}
