package dev.flotilla.unitfile;

/** Renders user text inside messages: quoted, control characters escaped, long text cut short. */
final class Quote {

    private static final int MAX = 80;

    private Quote() {
    }

    static String of(String s) {
        return of(s, 0, s.length());
    }

    static String of(CharSequence s, int from, int to) {
        StringBuilder sb = new StringBuilder(Math.min(to - from, MAX) + 8).append('\'');
        int end = Math.min(to, from + MAX);
        for (int i = from; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (end < to) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
