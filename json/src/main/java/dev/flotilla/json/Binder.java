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
    private static final byte OBJECT = 0;
    private static final byte WHOLE = 1;
    private static final byte BOOLEAN = 2;

    private static final class Shape {
        final Class<?> type;
        final String[] names;
        /** each name as written: {@code "name":} in UTF-8 */
        final byte[][] keys;
        /** each name in quotes, for matching a key in the input; null where JSON would escape it */
        final byte[][] quoted;
        final Method[] accessors;
        /**
         * Each accessor as a handle of type (Object)Object, or (Object)long for whole numbers and
         * (Object)boolean for booleans: a listing's numbers are written without boxing each one.
         */
        final java.lang.invoke.MethodHandle[] getters;
        final byte[] kinds;
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
            quoted = new byte[n][];
            accessors = new Method[n];
            getters = new java.lang.invoke.MethodHandle[n];
            kinds = new byte[n];
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
                quoted[i] = Arrays.copyOf(keys[i], keys[i].length - 1);
                if (quoted[i].length != names[i].getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2) {
                    quoted[i] = null; // written with an escape: matched by key()
                }
                accessors[i] = c.getAccessor();
                accessors[i].setAccessible(true);
                types[i] = c.getGenericType();
                raw[i] = c.getType();
                kinds[i] = kindOf(raw[i]);
                getters[i] = getter(accessors[i], kinds[i]);
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

        private static byte kindOf(Class<?> type) {
            if (type == long.class || type == int.class || type == short.class || type == byte.class) {
                return WHOLE;
            }
            return type == boolean.class ? BOOLEAN : OBJECT;
        }

        private static java.lang.invoke.MethodHandle getter(Method accessor, byte kind) {
            Class<?> returns = kind == WHOLE ? long.class : kind == BOOLEAN ? boolean.class : Object.class;
            try {
                return java.lang.invoke.MethodHandles.lookup().unreflect(accessor)
                        .asType(java.lang.invoke.MethodType.methodType(returns, Object.class));
            } catch (IllegalAccessException e) {
                throw new JsonException("cannot read " + accessor.getDeclaringClass().getName() + "." + accessor.getName(), e);
            }
        }

        /** The component named {@code name}, or -1. */
        int indexOf(String name) {
            Integer i = index.get(name);
            return i == null ? -1 : i;
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
        } else if (v instanceof Long l) {
            out.number(l);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.number(((Number) v).longValue());
        } else if (v instanceof BigInteger) {
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
            byte kind = shape.kinds[i];
            Object value = null;
            long whole = 0;
            boolean truth = false;
            try {
                if (kind == WHOLE) {
                    whole = (long) shape.getters[i].invokeExact((Object) r);
                } else if (kind == BOOLEAN) {
                    truth = (boolean) shape.getters[i].invokeExact((Object) r);
                } else {
                    value = (Object) shape.getters[i].invokeExact((Object) r);
                }
            } catch (Error e) {
                throw e;
            } catch (Throwable e) { // what the accessor threw, as before through reflection
                throw new JsonException("cannot read " + shape.type.getSimpleName() + "." + shape.names[i], e);
            }
            JsonOmit.When omit = shape.omit[i];
            // A number or boolean is never null or empty: only references can be left out.
            if (kind == OBJECT && omit != null && (value == null || (omit == JsonOmit.When.EMPTY && empty(value)))) {
                continue;
            }
            if (!first) {
                out.put(',');
            }
            first = false;
            out.raw(shape.keys[i]);
            if (kind == WHOLE) {
                out.number(whole);
            } else if (kind == BOOLEAN) {
                out.ascii(truth ? "true" : "false");
            } else {
                write(value, out);
            }
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

    /**
     * One reading: the parser, what to do with unknown fields, and where in the document the
     * value being read is ({@code units[2].name}), kept as a stack so that reading a field costs
     * nothing and an error can still name it.
     */
    private static final class Reading {
        final Parser p;
        final Json.Unknown unknown;
        private Object[] path = new Object[16];
        private int depth;

        Reading(Parser p, Json.Unknown unknown) {
            this.p = p;
            this.unknown = unknown;
        }

        void push(Object fieldOrIndex) {
            if (depth == path.length) {
                path = Arrays.copyOf(path, depth * 2);
            }
            path[depth++] = fieldOrIndex;
        }

        void pop() {
            depth--;
        }

        /** "units[2].name"; "" at the top. */
        String where() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                if (path[i] instanceof String field) {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(field);
                } else {
                    sb.append('[').append(path[i]).append(']');
                }
            }
            return sb.toString();
        }

        String at() {
            String w = where();
            return w.isEmpty() ? "" : "at " + w + ": ";
        }

        /** The value at hand was not what the type expects: read it (as a tree, only for the message) and say so. */
        JsonException mismatch(String expected) {
            return Binder.mismatch(at(), expected, p.tree());
        }
    }

    /** The value at the parser's position (whitespace skipped) as a value of {@code type}. */
    static Object read(Parser p, Type type, Json.Unknown unknown) {
        return read(new Reading(p, unknown), type);
    }

    private static Object read(Reading r, Type type) {
        if (type instanceof Class<?> c) {
            return readClass(r, c, null);
        }
        if (type instanceof ParameterizedType p) {
            return readClass(r, (Class<?>) p.getRawType(), p.getActualTypeArguments());
        }
        if (type instanceof GenericArrayType g) {
            return readArray(r, g.getGenericComponentType());
        }
        if (type instanceof WildcardType w) {
            return read(r, w.getUpperBounds()[0]);
        }
        if (type instanceof TypeVariable<?> t) {
            return read(r, t.getBounds()[0]);
        }
        throw new JsonException("cannot read the type " + type);
    }

    private static Object readClass(Reading r, Class<?> c, Type[] args) {
        Parser p = r.p;
        if (c == String.class) {
            byte b = p.peek();
            if (b == '"') {
                return p.string();
            }
            return p.nullLiteral() ? null : rethrow(r.mismatch("expected a string"));
        }
        if (c.isPrimitive()) {
            return p.nullLiteral() ? defaultOf(c) : readScalar(r, c);
        }
        if (JsonValue.class.isAssignableFrom(c) || c == Object.class) {
            JsonValue v = p.tree();
            if (!c.isInstance(v)) {
                throw mismatch(r.at(), "expected " + kindOf(c), v);
            }
            return v;
        }
        if (p.nullLiteral()) {
            return null;
        }
        if (c == Integer.class || c == Long.class || c == Double.class || c == Boolean.class
                || c == Float.class || c == Short.class || c == Byte.class || c == BigDecimal.class
                || c == BigInteger.class) {
            return readScalar(r, c);
        }
        if (c.isEnum()) {
            return readEnum(r, c);
        }
        if (c.isRecord()) {
            return readRecord(r, c);
        }
        if (c.isArray()) {
            return readArray(r, c.getComponentType());
        }
        if (c == List.class || c == Collection.class || c == Iterable.class || c == ArrayList.class
                || c == Set.class || c == LinkedHashSet.class) {
            if (p.peek() != '[') {
                throw r.mismatch("expected an array");
            }
            Type element = args == null ? Object.class : args[0];
            Collection<Object> out = c == Set.class || c == LinkedHashSet.class ? new LinkedHashSet<>() : new ArrayList<>();
            readElements(r, element, out);
            return out;
        }
        if (c == Map.class || c == LinkedHashMap.class) {
            if (args != null && args[0] != String.class) {
                throw new JsonException("cannot read a map with keys of " + args[0] + ": JSON's keys are strings");
            }
            if (p.peek() != '{') {
                throw r.mismatch("expected an object");
            }
            Type valueType = args == null ? Object.class : args[1];
            Map<String, Object> out = new LinkedHashMap<>();
            if (p.objectStart()) {
                String key;
                do {
                    int keyAt = p.pos;
                    key = p.key();
                    if (out.containsKey(key)) {
                        throw p.duplicate(keyAt, key);
                    }
                    r.push(key);
                    out.put(key, read(r, valueType));
                    r.pop();
                } while (p.objectNext(key));
            }
            return out;
        }
        throw new JsonException("cannot read a " + c.getName() + " from JSON: not a record, list, set, map, array,"
                + " string, number, boolean or enum");
    }

    private static Object rethrow(JsonException e) {
        throw e;
    }

    /** At '[': each element read as {@code element} into {@code out}. */
    private static void readElements(Reading r, Type element, Collection<Object> out) {
        Parser p = r.p;
        if (p.arrayStart()) {
            int i = 0;
            do {
                r.push(i++);
                out.add(read(r, element));
                r.pop();
            } while (p.arrayNext());
        }
    }

    private static Object readRecord(Reading r, Class<?> c) {
        Parser p = r.p;
        if (p.peek() != '{') {
            throw r.mismatch("expected an object");
        }
        Shape shape = SHAPES.get(c);
        int n = shape.names.length;
        Object[] values = new Object[n];
        boolean[] seen = new boolean[n];
        if (p.objectStart()) {
            Set<String> unknownSeen = null;
            int next = 0;
            String key;
            do {
                int keyAt = p.pos;
                int i;
                // fields mostly come in declared order: the next component's name is tried first, as bytes
                if (next < n && shape.quoted[next] != null && p.key(shape.quoted[next])) {
                    i = next;
                    key = shape.names[i];
                } else {
                    key = p.key();
                    i = shape.indexOf(key);
                }
                if (i >= 0) {
                    if (seen[i]) {
                        throw p.duplicate(keyAt, key);
                    }
                    seen[i] = true;
                    r.push(shape.names[i]);
                    values[i] = read(r, shape.types[i]);
                    r.pop();
                    next = i + 1;
                } else if (r.unknown == Json.Unknown.REFUSE) {
                    throw new JsonUnknownFieldException(r.where(), key, shape.known);
                } else {
                    if (unknownSeen == null) {
                        unknownSeen = new java.util.HashSet<>();
                    }
                    if (!unknownSeen.add(key)) {
                        throw p.duplicate(keyAt, key);
                    }
                    p.skip();
                }
            } while (p.objectNext(key));
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i] && shape.raw[i].isPrimitive()) {
                values[i] = defaultOf(shape.raw[i]);
            }
        }
        try {
            return shape.constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable why = e.getCause();
            throw new JsonException(r.at() + "cannot make a " + c.getSimpleName() + ": " + why.getMessage(), why);
        } catch (ReflectiveOperationException e) {
            throw new JsonException(r.at() + "cannot make a " + c.getSimpleName(), e);
        }
    }

    private static Object readArray(Reading r, Type component) {
        Parser p = r.p;
        if (p.nullLiteral()) {
            return null;
        }
        if (p.peek() != '[') {
            throw r.mismatch("expected an array");
        }
        Class<?> raw = component instanceof Class<?> k ? k
                : component instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : Object.class;
        List<Object> elements = new ArrayList<>();
        readElements(r, component, elements);
        Object out = Array.newInstance(raw, elements.size());
        for (int i = 0; i < elements.size(); i++) {
            Array.set(out, i, elements.get(i));
        }
        return out;
    }

    private static Object readEnum(Reading r, Class<?> c) {
        if (r.p.peek() != '"') {
            throw r.mismatch("expected a string");
        }
        String s = r.p.string();
        for (Object constant : c.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(s)) {
                return constant;
            }
        }
        throw new JsonException(r.at() + "expected one of " + Arrays.toString(c.getEnumConstants())
                + ", found \"" + s + "\"");
    }

    /** A boolean or a number (not null: the caller has read that). */
    private static Object readScalar(Reading r, Class<?> c) {
        Parser p = r.p;
        if (c == boolean.class || c == Boolean.class) {
            byte b = p.peek();
            if (b == 't' || b == 'f') {
                return p.bool();
            }
            throw r.mismatch("expected true or false");
        }
        if (!p.isNumberStart()) {
            throw r.mismatch("expected a number");
        }
        int start = p.number();
        int stop = p.pos;
        if ((c == long.class || c == Long.class || c == int.class || c == Integer.class) && p.plainInteger(start, stop)) {
            long l = p.plainLong(start, stop);
            if (c == long.class || c == Long.class) {
                return l;
            }
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        }
        return number(r.at(), new JsonNumber(p.text(start, stop)), c);
    }

    /** A number as {@code c}, exactly: a whole number in range for the integral types. */
    private static Object number(String at, JsonNumber n, Class<?> c) {
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
            throw mismatch(at, "expected a whole number", n);
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
            throw mismatch(at, "expected a number from " + min + " to " + max, n);
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

    private static JsonException mismatch(String at, String expected, JsonValue found) {
        String shown = found instanceof JsonNumber || found instanceof JsonBoolean || found instanceof JsonNull
                ? " (" + found + ")" : "";
        return new JsonException(at + expected + ", found " + found.kind() + shown);
    }
}
