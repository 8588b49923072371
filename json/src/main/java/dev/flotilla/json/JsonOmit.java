package dev.flotilla.json;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Leaves fields out of a record's JSON: on the record (every component) or on one component
 * (which then wins over the record's). Without it every component is written, null as null.
 * The rules are Jackson's {@code @JsonInclude} NON_NULL and NON_EMPTY, which the API's JSON was
 * written with before; numbers and booleans are never left out (0 and false are values).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.RECORD_COMPONENT})
public @interface JsonOmit {
    When value();

    enum When {
        /** Leaves out null. */
        NULL,
        /** Leaves out null, "", and empty lists, sets, maps and arrays. */
        EMPTY
    }
}
