package dev.flotilla.json;

import java.math.BigDecimal;

/**
 * A JSON number, kept as its exact text ({@code 1.50} stays {@code 1.50}; a 30-digit integer
 * loses nothing); equal to another of the same text. Read it with {@link #bigDecimal()} or the
 * {@code as...} accessors.
 */
public record JsonNumber(String text) implements JsonValue {
    /** @throws JsonException unless {@code text} is a number in RFC 8259's grammar */
    public JsonNumber {
        if (!Parser.isNumber(text)) {
            throw new JsonException("not a JSON number: " + text);
        }
    }

    public static JsonNumber of(long value) {
        return new JsonNumber(Long.toString(value));
    }

    /** As Java writes a double ({@code 5.0}, {@code 1.0E-7}); NaN and infinities have no JSON form. */
    public static JsonNumber of(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new JsonException("JSON has no number " + value);
        }
        return new JsonNumber(Double.toString(value));
    }

    public static JsonNumber of(BigDecimal value) {
        return new JsonNumber(value.toString());
    }

    public BigDecimal bigDecimal() {
        return new BigDecimal(text);
    }

    /** Whether the value is a whole number ({@code 3}, {@code 3.0}, {@code 3e2}). */
    public boolean isIntegral() {
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
            return true;
        }
        BigDecimal d = bigDecimal();
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
    }

    @Override
    public String asText() {
        return text;
    }

    @Override
    public long asLong() {
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0 && text.length() < 19) {
            return Long.parseLong(text);
        }
        return bigDecimal().longValue();
    }

    @Override
    public double asDouble() {
        return Double.parseDouble(text);
    }

    @Override
    public String kind() {
        return "a number";
    }

    @Override
    public String toString() {
        return text;
    }
}
