package dev.flotilla.engine.scheduler;

import java.util.List;

/**
 * Shell-style name patterns for Conflicts= and Replaces=: {@code *} any run of characters, {@code ?} one
 * character, {@code [abc] [a-z] [!a] [^a]} one character of a class, {@code \} escapes. Matched straight
 * from the pattern text (unit names are short), so nothing needs compiling or caching. A malformed
 * pattern (an unclosed class, a trailing backslash) matches nothing, as fleet's did.
 */
final class Glob {

    private Glob() {
    }

    static boolean anyMatches(List<String> patterns, String name) {
        for (int i = 0, n = patterns.size(); i < n; i++) {
            if (matches(patterns.get(i), name)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String name) {
        if (!wellFormed(pattern)) {
            return false;
        }
        int p = 0;
        int s = 0;
        int starP = -1; // pattern position just after the last '*', to backtrack to
        int starS = 0;  // name position that '*' swallowed up to
        while (s < name.length()) {
            int next = p < pattern.length() ? step(pattern, p, name.charAt(s)) : -1;
            if (next == STAR) {
                starP = p + 1;
                starS = s;
                p = starP;
            } else if (next >= 0) {
                p = next;
                s++;
            } else if (starP >= 0) {
                // Let the last '*' swallow one more character and retry from just after it.
                p = starP;
                s = ++starS;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static final int STAR = -2;

    /** At pattern position p against character c: STAR, the position after a matching token, or -1. */
    private static int step(String pattern, int p, char c) {
        char t = pattern.charAt(p);
        switch (t) {
            case '*':
                return STAR;
            case '?':
                return p + 1;
            case '[': {
                int end = classEnd(pattern, p);
                return inClass(pattern, p, end, c) ? end + 1 : -1;
            }
            case '\\':
                return pattern.charAt(p + 1) == c ? p + 2 : -1;
            default:
                return t == c ? p + 1 : -1;
        }
    }

    /** Index of the ']' closing the class opened at p, or -1. A ']' right after the opening is literal. */
    private static int classEnd(String pattern, int p) {
        int i = p + 1;
        if (i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^')) {
            i++;
        }
        if (i < pattern.length() && pattern.charAt(i) == ']') {
            i++;
        }
        while (i < pattern.length() && pattern.charAt(i) != ']') {
            i += pattern.charAt(i) == '\\' ? 2 : 1;
        }
        return i < pattern.length() ? i : -1;
    }

    private static boolean inClass(String pattern, int open, int close, char c) {
        int i = open + 1;
        boolean negated = pattern.charAt(i) == '!' || pattern.charAt(i) == '^';
        if (negated) {
            i++;
        }
        boolean found = false;
        while (i < close) {
            char lo = pattern.charAt(i);
            if (lo == '\\') {
                lo = pattern.charAt(++i);
            }
            i++;
            char hi = lo;
            if (i + 1 < close && pattern.charAt(i) == '-') {
                hi = pattern.charAt(i + 1);
                if (hi == '\\') {
                    hi = pattern.charAt(i + 2);
                    i++;
                }
                i += 2;
            }
            found |= lo <= c && c <= hi;
        }
        return found != negated;
    }

    static boolean wellFormed(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    return false;
                }
                i++;
            } else if (c == '[') {
                int end = classEnd(pattern, i);
                if (end < 0) {
                    return false;
                }
                i = end;
            }
        }
        return true;
    }
}
