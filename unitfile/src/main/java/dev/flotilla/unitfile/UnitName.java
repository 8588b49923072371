package dev.flotilla.unitfile;

import java.util.Set;

/**
 * A validated unit name such as {@code web.service}, the template {@code web@.service} or its
 * instance {@code web@1.service}.
 *
 * <p>The rules are fleet's (a known suffix; only {@code A-Z a-z 0-9 : _ . @ - \}; not starting
 * with {@code @}; a name with {@code @} must end in path, service, socket, target or timer) plus
 * our own: a name must be safe as a file name in a directory, so it may not start with {@code .}
 * nor contain {@code ..} (and {@code /} is already outside the character set). The length limit is
 * {@link #MAX_LENGTH}, not fleet's 256, which neither systemd nor a file name can hold; a template
 * has at most one character less, so that its instances fit. The canonical constructor validates,
 * so no invalid instance exists.
 *
 * @param value the full name, e.g. {@code web@1.service}
 */
public record UnitName(String value) {

    /**
     * The longest name: systemd's {@code UNIT_NAME_MAX} is 256 including the terminating NUL, and a
     * file name (the agent's unit file) has at most 255 bytes ({@code NAME_MAX}); names are ASCII.
     */
    public static final int MAX_LENGTH = 255;

    /** The longest template name: its shortest instance ({@code a@.service} to {@code a@1.service}) must fit too. */
    public static final int MAX_TEMPLATE_LENGTH = MAX_LENGTH - 1;

    /** Suffixes fleet accepted, without the dot. */
    public static final Set<String> KNOWN_SUFFIXES = Set.of("automount", "busname", "device", "mount",
            "path", "scope", "service", "slice", "snapshot", "socket", "swap", "target", "timer");

    /** Suffixes a name containing {@code @} may have. */
    public static final Set<String> TEMPLATE_SUFFIXES = Set.of("path", "service", "socket", "target", "timer");

    public UnitName {
        String problem = check(value);
        if (problem != null) {
            throw new UnitFileException(0, problem);
        }
    }

    /** Validates a name exactly as given (no suffix defaulting; see {@link #withDefaultSuffix}). */
    public static UnitName parse(String name) {
        return new UnitName(name);
    }

    /** True when {@link #parse} would accept the name. */
    public static boolean isValid(String name) {
        return check(name) == null;
    }

    /**
     * The CLI's defaulting: {@code foo} becomes {@code foo.service}; a name that already ends in a
     * known suffix is returned unchanged. The result is not validated.
     */
    public static String withDefaultSuffix(String name) {
        if (name == null) {
            throw new UnitFileException(0, "unit name is missing");
        }
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && KNOWN_SUFFIXES.contains(name.substring(dot + 1))) {
            return name;
        }
        return name + ".service";
    }

    /** The suffix without its dot, e.g. {@code service}. */
    public String suffix() {
        return value.substring(value.lastIndexOf('.') + 1);
    }

    /** The name without {@code .suffix}, e.g. {@code web@1} ({@code %N}). */
    public String nameWithoutSuffix() {
        return value.substring(0, value.lastIndexOf('.'));
    }

    /** The part before {@code @}, or the name without suffix when there is no {@code @} ({@code %p}). */
    public String prefix() {
        int at = value.indexOf('@');
        return at < 0 ? nameWithoutSuffix() : value.substring(0, at);
    }

    /** The part between {@code @} and the suffix; empty for templates and plain names ({@code %i}). */
    public String instance() {
        int at = value.indexOf('@');
        return at < 0 ? "" : value.substring(at + 1, value.lastIndexOf('.'));
    }

    /** {@code foo@.service}: can be submitted but never loaded or started itself. */
    public boolean isTemplate() {
        int at = value.indexOf('@');
        return at >= 0 && at + 1 == value.lastIndexOf('.');
    }

    /** {@code foo@bar.service}: made from the template {@code foo@.service}. */
    public boolean isInstance() {
        int at = value.indexOf('@');
        return at >= 0 && at + 1 < value.lastIndexOf('.');
    }

    /** The template of an instance ({@code web@1.service} gives {@code web@.service}); a template returns itself. */
    public UnitName template() {
        if (isTemplate()) {
            return this;
        }
        if (!isInstance()) {
            throw new UnitFileException(0, "unit " + value + " is not a template instance");
        }
        return new UnitName(prefix() + "@." + suffix());
    }

    /** The instance of this template: {@code web@.service} with {@code 1} gives {@code web@1.service}. */
    public UnitName instantiate(String instance) {
        if (!isTemplate()) {
            throw new UnitFileException(0, "unit " + value + " is not a template (a template looks like foo@.service)");
        }
        if (instance == null || instance.isEmpty()) {
            throw new UnitFileException(0, "an instance name must not be empty");
        }
        String made = prefix() + "@" + instance + "." + suffix();
        if (made.length() > MAX_LENGTH) {
            throw new UnitFileException(0, "the instance '" + printable(instance) + "' of template " + value
                    + " makes a unit name of " + made.length() + " characters; at most " + MAX_LENGTH + " are allowed");
        }
        return new UnitName(made);
    }

    @Override
    public String toString() {
        return value;
    }

    /** Returns why the name is invalid, or null if it is valid. */
    static String check(String name) {
        if (name == null) {
            return "unit name is missing";
        }
        if (name.isEmpty()) {
            return "unit name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "unit name '" + printable(name) + "' is " + name.length() + " characters; at most " + MAX_LENGTH
                    + " are allowed (systemd's limit, and the longest file name)";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isNameChar(c)) {
                return "unit name '" + printable(name) + "' contains " + describeChar(c)
                        + "; only A-Z a-z 0-9 : _ . @ - \\ are allowed";
            }
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return "unit name '" + name + "' has no suffix such as .service";
        }
        String suffix = name.substring(dot + 1);
        if (!KNOWN_SUFFIXES.contains(suffix)) {
            return "unit name '" + name + "' has unknown suffix '." + suffix + "'";
        }
        if (name.charAt(0) == '@') {
            return "unit name '" + name + "' must not start with '@'";
        }
        // Path safety (beyond fleet): the name becomes a file name in the agent's unit directory.
        if (name.charAt(0) == '.') {
            return "unit name '" + name + "' must not start with '.'";
        }
        if (name.contains("..")) {
            return "unit name '" + name + "' must not contain '..'";
        }
        if (name.indexOf('@') >= 0 && !TEMPLATE_SUFFIXES.contains(suffix)) {
            return "unit name '" + name + "' contains '@', so it must end in .path, .service, .socket, .target or .timer";
        }
        int at = name.indexOf('@');
        if (at >= 0 && at + 1 == dot && name.length() > MAX_TEMPLATE_LENGTH) {
            return "template name '" + printable(name) + "' is " + name.length() + " characters; at most "
                    + MAX_TEMPLATE_LENGTH + " are allowed, so that its instances fit in " + MAX_LENGTH;
        }
        return null;
    }

    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == ':' || c == '_' || c == '.' || c == '@' || c == '-' || c == '\\';
    }

    private static String describeChar(char c) {
        if (c == '/') {
            return "'/' (a unit name must be usable as a file name)";
        }
        if (c < 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isSurrogate(c)) {
            return String.format("the character U+%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        return s.length() > 80 ? sb.append("...").toString() : sb.toString();
    }
}
