package dev.flotilla.unitfile;

import java.util.List;

/**
 * Expands the specifiers fleet honoured in [X-Fleet] values: {@code %n} full name, {@code %N} name
 * without suffix, {@code %p} prefix, {@code %i} instance, and {@code %%} for a literal percent sign.
 * Other specifiers mean something only to systemd on the target machine, so they are kept as
 * written, with a warning, rather than refusing the unit.
 */
final class Specifiers {

    private Specifiers() {
    }

    static String expand(String value, UnitName name, int line, List<Problem> problems) {
        int pct = value.indexOf('%');
        if (pct < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 32).append(value, 0, pct);
        int n = value.length();
        for (int i = pct; i < n; i++) {
            char c = value.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= n) {
                problems.add(Problem.warning(line, "a lone '%' at the end of " + Quote.of(value) + " is kept as written"));
                sb.append('%');
                continue;
            }
            char s = value.charAt(++i);
            switch (s) {
                case 'n' -> sb.append(name.value());
                case 'N' -> sb.append(name.nameWithoutSuffix());
                case 'p' -> sb.append(name.prefix());
                case 'i' -> sb.append(name.instance());
                case '%' -> sb.append('%');
                default -> {
                    problems.add(Problem.warning(line, "specifier '%" + s + "' is not expanded in [X-Fleet] "
                            + "(only %n %N %p %i and %%); it is kept as written"));
                    sb.append('%').append(s);
                }
            }
        }
        return sb.toString();
    }
}
