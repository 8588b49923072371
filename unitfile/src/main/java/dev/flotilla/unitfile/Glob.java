package dev.flotilla.unitfile;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell-style pattern for unit names, as used by {@code Conflicts=} and {@code Replaces=}:
 * {@code *} any run of characters, {@code ?} one character, {@code [abc]}, {@code [a-z]} a set,
 * {@code [!a-z]} or {@code [^a-z]} its complement, and {@code \} escaping the next character. A
 * {@code ]} right after {@code [} or {@code [!} is a member of the set. Unit names hold no
 * {@code /}, so there is no path-separator special case.
 *
 * <p>Compiled once into tokens; {@link #matches} walks them with one backtracking point per star,
 * which is linear for typical patterns and never builds a regex.
 */
public final class Glob {

    /** Closed set of compiled pattern elements. */
    private sealed interface Token permits Star, CharTest {
    }

    /** Any run of characters, including none. */
    private enum Star implements Token { INSTANCE }

    /** An element that matches exactly one character. */
    private sealed interface CharTest extends Token permits Exactly, AnyChar, CharSet {
        boolean test(char c);
    }

    private record Exactly(char c) implements CharTest {
        @Override
        public boolean test(char x) {
            return x == c;
        }
    }

    private enum AnyChar implements CharTest {
        INSTANCE;

        @Override
        public boolean test(char c) {
            return true;
        }
    }

    /** Inclusive ranges; a single character is a range of one. */
    private record CharSet(char[] from, char[] to, boolean negated) implements CharTest {
        @Override
        public boolean test(char c) {
            boolean in = false;
            for (int i = 0; i < from.length; i++) {
                if (c >= from[i] && c <= to[i]) {
                    in = true;
                    break;
                }
            }
            return in != negated;
        }
    }

    private final String pattern;
    private final Token[] tokens;
    /** Set when the pattern has no wildcard: then matching is String.equals. */
    private final String literal;
    /** Set when the pattern is literal text followed by one trailing star: then it is startsWith. */
    private final String prefix;

    private Glob(String pattern, Token[] tokens) {
        this.pattern = pattern;
        this.tokens = tokens;
        this.literal = literalOf(tokens, tokens.length);
        this.prefix = tokens.length > 0 && tokens[tokens.length - 1] == Star.INSTANCE
                ? literalOf(tokens, tokens.length - 1) : null;
    }

    /** Compiles a pattern; a malformed one (unclosed {@code [}, trailing {@code \}) is refused. */
    public static Glob compile(String pattern) {
        if (pattern == null) {
            throw new UnitFileException(0, "pattern is missing");
        }
        List<Token> out = new ArrayList<>(pattern.length());
        String why = tokenize(pattern, out);
        if (why != null) {
            throw new UnitFileException(0, "pattern " + Quote.of(pattern) + " is malformed: " + why);
        }
        return new Glob(pattern, out.toArray(new Token[0]));
    }

    /** Returns why the pattern is malformed, or null if it compiles. */
    static String problem(String pattern) {
        return tokenize(pattern, new ArrayList<>());
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(String name) {
        if (literal != null) {
            return literal.equals(name);
        }
        if (prefix != null) {
            return name.startsWith(prefix);
        }
        Token[] ts = tokens;
        int m = ts.length;
        int n = name.length();
        int p = 0;
        int s = 0;
        int starP = -1;
        int starS = 0;
        while (s < n) {
            if (p < m) {
                Token t = ts[p];
                if (t == Star.INSTANCE) {
                    starP = p++;
                    starS = s;
                    continue;
                }
                if (((CharTest) t).test(name.charAt(s))) {
                    p++;
                    s++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            // Let the last star swallow one more character and retry from there.
            p = starP + 1;
            s = ++starS;
        }
        while (p < m && ts[p] == Star.INSTANCE) {
            p++;
        }
        return p == m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }

    private static String tokenize(String p, List<Token> out) {
        int n = p.length();
        int i = 0;
        while (i < n) {
            char c = p.charAt(i);
            switch (c) {
                case '*' -> {
                    // Consecutive stars mean the same as one.
                    if (out.isEmpty() || out.get(out.size() - 1) != Star.INSTANCE) {
                        out.add(Star.INSTANCE);
                    }
                    i++;
                }
                case '?' -> {
                    out.add(AnyChar.INSTANCE);
                    i++;
                }
                case '\\' -> {
                    if (i + 1 >= n) {
                        return "it ends with a lone '\\'";
                    }
                    out.add(new Exactly(p.charAt(i + 1)));
                    i += 2;
                }
                case '[' -> {
                    int end = charSet(p, i, out);
                    if (end < 0) {
                        return "'[' at position " + (i + 1) + " is not closed by ']'";
                    }
                    i = end;
                }
                default -> {
                    out.add(new Exactly(c));
                    i++;
                }
            }
        }
        return null;
    }

    /** Parses {@code [...]} starting at {@code open}; returns the index after {@code ]}, or -1. */
    private static int charSet(String p, int open, List<Token> out) {
        int n = p.length();
        int i = open + 1;
        boolean negated = i < n && (p.charAt(i) == '!' || p.charAt(i) == '^');
        if (negated) {
            i++;
        }
        StringBuilder from = new StringBuilder();
        StringBuilder to = new StringBuilder();
        boolean first = true;
        while (i < n) {
            char c = p.charAt(i);
            if (c == ']' && !first) {
                out.add(new CharSet(from.toString().toCharArray(), to.toString().toCharArray(), negated));
                return i + 1;
            }
            first = false;
            if (c == '\\') {
                if (i + 1 >= n) {
                    return -1;
                }
                c = p.charAt(++i);
            }
            char hi = c;
            if (i + 2 < n && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                hi = p.charAt(i + 2);
                i += 2;
                if (hi == '\\') {
                    if (i + 1 >= n) {
                        return -1;
                    }
                    hi = p.charAt(++i);
                }
            }
            from.append(c);
            to.append(hi);
            i++;
        }
        return -1;
    }

    private static String literalOf(Token[] tokens, int count) {
        StringBuilder sb = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            if (!(tokens[i] instanceof Exactly e)) {
                return null;
            }
            sb.append(e.c());
        }
        return sb.toString();
    }
}
