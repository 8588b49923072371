package dev.flotilla.unitfile;

/**
 * One {@code Name=Value} assignment, the unit of fleet's HTTP API ({@code {section, name, value}}).
 *
 * @param section the section it appeared in, e.g. {@code Service}
 * @param name    the key, e.g. {@code ExecStart}
 * @param value   the value with surrounding whitespace trimmed and continuation lines joined
 * @param line    the line the assignment starts on; 0 when it did not come from a text
 */
public record UnitOption(String section, String name, String value, int line) {

    /** An option that did not come from a text (line 0), e.g. from an API request. */
    public UnitOption(String section, String name, String value) {
        this(section, name, value, 0);
    }

    /** The same option without its line, for comparing models that came from different texts. */
    public UnitOption withoutLine() {
        return line == 0 ? this : new UnitOption(section, name, value, 0);
    }
}
