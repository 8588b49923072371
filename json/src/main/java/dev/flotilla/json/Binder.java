package dev.flotilla.json;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Java values to JSON and back, by reflection: records (components in their declared order,
 * read through the canonical constructor), strings, numbers, booleans, enums (by name), lists,
 * sets, arrays, maps of string keys, and {@link JsonValue} trees. What each record class has is
 * looked up once ({@link #SHAPES}).
 */
final class Binder {
    private Binder() {
    }

    /** A record class as the binder uses it. */
    private static final class Shape {
        final Class<?> type;
        final String[] names;
        /** each name as written: {@code "name":} in UTF-8 */
        final byte[][] keys;
        final Method[] accessors;
        final Type[] types;
        final Class<?>[] raw;
        /** per component: null (always written) or the rule that leaves it out */
        final JsonOmit.When[] omit;
        final Constructor<?> constructor;
        final Map<String, Integer> index;
        final List<String> known;

        Shape(Class<?> type) {
            this.type = type;
            RecordComponent[] components = type.getRecordComponents();
            int n = components.length;
            names = new String[n];
            keys = new byte[n][];
            accessors = new Method[n];
            types = new Type[n];
            raw = new Class<?>[n];
            omit = new JsonOmit.When[n];
            index = new HashMap<>(n * 2);
            JsonOmit onType = type.getAnnotation(JsonOmit.class);
            for (int i = 0; i < n; i++) {
                RecordComponent c = components[i];
                names[i] = c.getName();
                Output key = new Output(null, 64);
                key.string(names[i]);
                key.put(':');
                keys[i] = key.toBytes();
                accessors[i] = c.getAccessor();
                accessors[i].setAccessible(true);
                types[i] = c.getGenericType();
                raw[i] = c.getType();
                JsonOmit on = c.getAnnotation(JsonOmit.class);
                omit[i] = on != null ? on.value() : onType != null ? onType.value() : null;
                index.put(names[i], i);
            }
            try {
                constructor = type.getDeclaredConstructor(raw);
                constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new JsonException("record " + type.getName() + " has no canonical constructor", e);
            }
            List<String> sorted = new ArrayList<>(Arrays.asList(names));
            sorted.sort(null);
            known = List.copyOf(sorted);
        }
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return new Shape(type);
        }
    };

    // ---- writing ----

    static void write(Object v, Output out) {
        if (v == null) {
            out.ascii("null");
        } else if (v instanceof String s) {
            out.string(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.ascii(v.toString());
        } else if (v instanceof Double d) {
            writeFloating(d, d.isNaN() || d.isInfinite(), out);
        } else if (v instanceof Float f) {
            writeFloating(f, f.isNaN() || f.isInfinite(), out);
        } else if (v instanceof BigDecimal d) {
            out.ascii(d.toString());
        } else if (v instanceof Boolean b) {
            out.ascii(b ? "true" : "false");
        } else if (v instanceof JsonValue j) {
            writeTree(j, out);
        } else if (v instanceof Record r) {
            writeRecord(r, out);
        } else if (v instanceof Enum<?> e) {
            out.string(e.name());
        } else if (v instanceof Map<?, ?> m) {
            writeMap(m, out);
        } else if (v instanceof Iterable<?> it) {
            out.put('[');
            boolean first = true;
            for (Object e : it) {
                if (!first) {
                    out.put(',');
                }
                first = false;
                write(e, out);
            }
            out.put(']');
        } else if (v.getClass().isArray()) {
            out.put('[');
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                if (i > 0) {
                    out.put(',');
                }
                write(Array.get(v, i), out);
            }
            out.put(']');
        } else if (v instanceof Character c) {
            out.string(c.toString());
        } else {
            throw new JsonException("cannot write a " + v.getClass().getName()
                    + " as JSON: not a record, collection, map, array, string, number, boolean or enum");
        }
    }

    /** NaN and the infinities as strings, as Jackson did ({@code "NaN"}); JSON has no such number. */
    private static void writeFloating(Number n, boolean notFinite, Output out) {
        if (notFinite) {
            out.string(n.toString());
        } else {
            out.ascii(n.toString());
        }
    }

    private static void writeRecord(Record r, Output out) {
        Shape shape = SHAPES.get(r.getClass());
        out.put('{');
        boolean first = true;
        for (int i = 0; i < shape.names.length; i++) {
            Object value;
            try {
                value = shape.accessors[i].invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new JsonException("cannot read " + shape.type.getSimpleName() + "." + shape.names[i], e);
            }
            JsonOmit.When omit = shape.omit[i];
            if (omit != null && (value == null || (omit == JsonOmit.When.EMPTY && empty(value)))) {
                continue;
            }
            if (!first) {
                out.put(',');
            }
            first = false;
            out.raw(shape.keys[i]);
            write(value, out);
        }
        out.put('}');
    }

    private static boolean empty(Object v) {
        if (v instanceof CharSequence s) {
            return s.length() == 0;
        }
        if (v instanceof Collection<?> c) {
            return c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return m.isEmpty();
        }
        if (v.getClass().isArray()) {
            return Array.getLength(v) == 0;
        }
        if (v instanceof java.util.Optional<?> o) {
            return o.isEmpty();
        }
        return false;
    }

    private static void writeMap(Map<?, ?> m, Output out) {
        out.put('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                out.put(',');
            }
            first = false;
            Object k = e.getKey();
            out.string(k instanceof Enum<?> en ? en.name() : String.valueOf(k));
            out.put(':');
            write(e.getValue(), out);
        }
        out.put('}');
    }

    static void writeTree(JsonValue v, Output out) {
        if (v instanceof JsonObject o) {
            writeMap(o.fields(), out);
        } else if (v instanceof JsonArray a) {
            write(a.elements(), out);
        } else if (v instanceof JsonString s) {
            out.string(s.value());
        } else if (v instanceof JsonNumber n) {
            out.ascii(n.text());
        } else if (v instanceof JsonBoolean b) {
            out.ascii(b.value() ? "true" : "false");
        } else if (v instanceof JsonNull) {
            out.ascii("null");
        } else {
            throw new JsonException("a missing value has no JSON form");
        }
    }

    // ---- reading ----

    /** Where in the document a value is, for error messages: {@code units[2].name}. */
    private record Where(Where parent, String field, int index) {
        static final Where ROOT = new Where(null, null, -1);

        Where field(String name) {
            return new Where(this, name, -1);
        }

        Where index(int i) {
            return new Where(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return "";
            }
            String up = parent.toString();
            return field != null ? (up.isEmpty() ? field : up + "." + field) : up + "[" + index + "]";
        }
    }

    static Object read(JsonValue v, Type type, Json.Unknown unknown) {
        return read(v, type, unknown, Where.ROOT);
    }

    private static Object read(JsonValue v, Type type, Json.Unknown unknown, Where where) {
        if (type instanceof Class<?> c) {
            return readClass(v, c, null, unknown, where);
        }
        if (type instanceof ParameterizedType p) {
            return readClass(v, (Class<?>) p.getRawType(), p.getActualTypeArguments(), unknown, where);
        }
        if (type instanceof GenericArrayType g) {
            return readArray(v, g.getGenericComponentType(), unknown, where);
        }
        if (type instanceof WildcardType w) {
            return read(v, w.getUpperBounds()[0], unknown, where);
        }
        if (type instanceof TypeVariable<?> t) {
            return read(v, t.getBounds()[0], unknown, where);
        }
        throw new JsonException("cannot read the type " + type);
    }

    private static Object readClass(JsonValue v, Class<?> c, Type[] args, Json.Unknown unknown, Where where) {
        if (c.isPrimitive()) {
            return v instanceof JsonNull ? defaultOf(c) : readScalar(v, c, where);
        }
        if (JsonValue.class.isAssignableFrom(c) || c == Object.class) {
            if (!c.isInstance(v)) {
                throw mismatch(where, "expected " + kindOf(c), v);
            }
            return v;
        }
        if (v instanceof JsonNull) {
            return null;
        }
        if (c == String.class || c == Integer.class || c == Long.class || c == Double.class || c == Boolean.class
                || c == Float.class || c == Short.class || c == Byte.class || c == BigDecimal.class
                || c == BigInteger.class) {
            return readScalar(v, c, where);
        }
        if (c.isEnum()) {
            return readEnum(v, c, where);
        }
        if (c.isRecord()) {
            return readRecord(v, c, unknown, where);
        }
        if (c.isArray()) {
            return readArray(v, c.getComponentType(), unknown, where);
        }
        if (c == List.class || c == Collection.class || c == Iterable.class || c == ArrayList.class
                || c == Set.class || c == LinkedHashSet.class) {
            if (!(v instanceof JsonArray a)) {
                throw mismatch(where, "expected an array", v);
            }
            Type element = args == null ? Object.class : args[0];
            Collection<Object> out = c == Set.class || c == LinkedHashSet.class
                    ? new LinkedHashSet<>() : new ArrayList<>(a.size());
            int i = 0;
            for (JsonValue e : a.elements()) {
                out.add(read(e, element, unknown, where.index(i++)));
            }
            return out;
        }
        if (c == Map.class || c == LinkedHashMap.class) {
            if (args != null && args[0] != String.class) {
                throw new JsonException("cannot read a map with keys of " + args[0] + ": JSON's keys are strings");
            }
            if (!(v instanceof JsonObject o)) {
                throw mismatch(where, "expected an object", v);
            }
            Type valueType = args == null ? Object.class : args[1];
            Map<String, Object> out = new LinkedHashMap<>(o.size() * 4 / 3 + 1);
            for (Map.Entry<String, JsonValue> e : o.fields().entrySet()) {
                out.put(e.getKey(), read(e.getValue(), valueType, unknown, where.field(e.getKey())));
            }
            return out;
        }
        throw new JsonException("cannot read a " + c.getName() + " from JSON: not a record, list, set, map, array,"
                + " string, number, boolean or enum");
    }

    private static Object readRecord(JsonValue v, Class<?> c, Json.Unknown unknown, Where where) {
        if (!(v instanceof JsonObject o)) {
            throw mismatch(where, "expected an object", v);
        }
        Shape shape = SHAPES.get(c);
        Object[] values = new Object[shape.names.length];
        for (int i = 0; i < values.length; i++) {
            JsonValue field = o.fields().get(shape.names[i]);
            values[i] = field == null ? defaultOf(shape.raw[i])
                    : read(field, shape.types[i], unknown, where.field(shape.names[i]));
        }
        if (unknown == Json.Unknown.REFUSE && o.size() > 0) {
            for (String name : o.fields().keySet()) {
                if (!shape.index.containsKey(name)) {
                    throw new JsonUnknownFieldException(where.toString(), name, shape.known);
                }
            }
        }
        try {
            return shape.constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable why = e.getCause();
            throw new JsonException(at(where) + "cannot make a " + c.getSimpleName() + ": " + why.getMessage(), why);
        } catch (ReflectiveOperationException e) {
            throw new JsonException(at(where) + "cannot make a " + c.getSimpleName(), e);
        }
    }

    private static Object readArray(JsonValue v, Type component, Json.Unknown unknown, Where where) {
        if (v instanceof JsonNull) {
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw mismatch(where, "expected an array", v);
        }
        Class<?> raw = component instanceof Class<?> k ? k
                : component instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
        Object out = Array.newInstance(raw, a.size());
        for (int i = 0; i < a.size(); i++) {
            Array.set(out, i, read(a.elements().get(i), component, unknown, where.index(i)));
        }
        return out;
    }

    private static Object readEnum(JsonValue v, Class<?> c, Where where) {
        if (!(v instanceof JsonString s)) {
            throw mismatch(where, "expected a string", v);
        }
        for (Object constant : c.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(s.value())) {
                return constant;
            }
        }
        throw new JsonException(at(where) + "expected one of " + Arrays.toString(c.getEnumConstants())
                + ", found \"" + s.value() + "\"");
    }

    private static Object readScalar(JsonValue v, Class<?> c, Where where) {
        if (c == String.class) {
            if (v instanceof JsonString s) {
                return s.value();
            }
            throw mismatch(where, "expected a string", v);
        }
        if (c == boolean.class || c == Boolean.class) {
            if (v instanceof JsonBoolean b) {
                return b.value();
            }
            throw mismatch(where, "expected true or false", v);
        }
        if (!(v instanceof JsonNumber n)) {
            throw mismatch(where, "expected a number", v);
        }
        if (c == double.class || c == Double.class) {
            return n.asDouble();
        }
        if (c == float.class || c == Float.class) {
            return (float) n.asDouble();
        }
        if (c == BigDecimal.class) {
            return n.bigDecimal();
        }
        if (!n.isIntegral()) {
            throw mismatch(where, "expected a whole number", v);
        }
        BigInteger whole = n.bigDecimal().toBigInteger();
        if (c == BigInteger.class) {
            return whole;
        }
        long min;
        long max;
        if (c == long.class || c == Long.class) {
            min = Long.MIN_VALUE;
            max = Long.MAX_VALUE;
        } else if (c == int.class || c == Integer.class) {
            min = Integer.MIN_VALUE;
            max = Integer.MAX_VALUE;
        } else if (c == short.class || c == Short.class) {
            min = Short.MIN_VALUE;
            max = Short.MAX_VALUE;
        } else if (c == byte.class || c == Byte.class) {
            min = Byte.MIN_VALUE;
            max = Byte.MAX_VALUE;
        } else {
            throw new JsonException("cannot read a " + c.getName() + " from JSON");
        }
        if (whole.bitLength() > 63 || whole.longValue() < min || whole.longValue() > max) {
            throw mismatch(where, "expected a number from " + min + " to " + max, v);
        }
        long l = whole.longValue();
        if (c == long.class || c == Long.class) {
            return l;
        }
        if (c == int.class || c == Integer.class) {
            return (int) l;
        }
        return c == short.class || c == Short.class ? (Object) (short) l : (Object) (byte) l;
    }

    private static Object defaultOf(Class<?> c) {
        if (!c.isPrimitive()) {
            return null;
        }
        if (c == boolean.class) {
            return false;
        }
        if (c == long.class) {
            return 0L;
        }
        if (c == int.class) {
            return 0;
        }
        if (c == double.class) {
            return 0.0;
        }
        if (c == float.class) {
            return 0.0f;
        }
        if (c == short.class) {
            return (short) 0;
        }
        if (c == byte.class) {
            return (byte) 0;
        }
        return '\0';
    }

    private static String kindOf(Class<?> c) {
        if (c == JsonObject.class) {
            return "an object";
        }
        if (c == JsonArray.class) {
            return "an array";
        }
        if (c == JsonString.class) {
            return "a string";
        }
        if (c == JsonNumber.class) {
            return "a number";
        }
        if (c == JsonBoolean.class) {
            return "a boolean";
        }
        return "a JSON value";
    }

    private static String at(Where where) {
        String w = where.toString();
        return w.isEmpty() ? "" : "at " + w + ": ";
    }

    private static JsonException mismatch(Where where, String expected, JsonValue found) {
        String shown = found instanceof JsonNumber || found instanceof JsonBoolean || found instanceof JsonNull
                ? " (" + found + ")" : "";
        return new JsonException(at(where) + expected + ", found " + found.kind() + shown);
    }
}
