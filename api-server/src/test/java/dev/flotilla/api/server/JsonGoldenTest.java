package dev.flotilla.api.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The JSON of every entity, byte for byte as Jackson 2.20 wrote it (captured in
 * {@code json-golden.txt}, one {@code name<TAB>json} line each, before Jackson was replaced).
 * Regenerate only on purpose: {@code -Djson.golden.write=<path of the file>}.
 */
class JsonGoldenTest {
    static final String FILE = "json-golden.txt";

    static String encode(Object value) {
        return dev.flotilla.json.Json.writeString(value);
    }

    @Test
    void everyEntityIsWrittenAsJacksonWroteIt() throws IOException {
        Map<String, Object> samples = JsonSamples.all();
        String target = System.getProperty("json.golden.write");
        if (target != null) {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, Object> e : samples.entrySet()) {
                out.append(e.getKey()).append('\t').append(encode(e.getValue())).append('\n');
            }
            Files.writeString(Path.of(target), out, StandardCharsets.UTF_8);
            return;
        }
        Map<String, String> golden = golden();
        assertEquals(golden.keySet(), samples.keySet());
        for (Map.Entry<String, Object> e : samples.entrySet()) {
            assertEquals(golden.get(e.getKey()), encode(e.getValue()), e.getKey());
        }
    }

    static Map<String, String> golden() throws IOException {
        Map<String, String> golden = new LinkedHashMap<>();
        try (InputStream in = JsonGoldenTest.class.getClassLoader().getResourceAsStream(FILE)) {
            assertNotNull(in, FILE);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int tab = line.indexOf('\t');
                golden.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return golden;
    }
}
