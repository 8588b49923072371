package dev.flotilla.unitfile;

import java.util.ArrayList;
import java.util.List;

/**
 * fleet's reading of a quoted [X-Fleet] value. fleet split a value into several only when the
 * whole value begins and ends with {@code "}: then a space outside quotes ends a word, every
 * {@code "} is dropped (it only switches "inside quotes" on or off), and a backslash is an
 * ordinary character, so {@code "foo\"bar"} is {@code foo\bar}. Any other value was one word,
 * quotes and all. This applied to every key: {@code MachineID="123"} is {@code 123},
 * {@code Global="true"} is true, {@code MachineOf="a.service" "b.service"} two peers.
 */
final class FleetQuoting {
    private FleetQuoting() {
    }

    /** The words of a value in fleet's quoted form (empty words kept, as fleet's), or null when it is not in that form. */
    static List<String> split(String value) {
        if (!value.startsWith("\"") || !value.endsWith("\"")) {
            return null;
        }
        List<String> words = new ArrayList<>(2);
        StringBuilder word = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                inside = !inside;
            } else if (c == ' ' && !inside) {
                words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        words.add(word.toString());
        return words;
    }
}
