package dev.flotilla.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large answer is bound in a heap a few times its size, as flotctl must (it runs with a small
 * heap): a child JVM with {@value #HEAP} reads a {@value #STATES}-state listing of ~14 MB, the shape
 * of {@code list-units}' answer. Parsing it into a tree first needs more than that heap holds (the
 * tree of this document is ~4 times its size), so this fails if reading ever goes through a
 * whole-document tree again; it measures no time and no exact byte count.
 */
class LargeReadTest {
    static final int STATES = 50_000;
    static final String HEAP = "-Xmx64m";

    record State(String name, String machineID, String machineIP, String hash, String systemdLoadState,
                 String systemdActiveState, String systemdSubState, long answers, int restarts, long sinceMicros) {
    }

    record Listing(List<Object> units, List<State> states) {
    }

    static State state(int i) {
        return new State(String.format("app-%06d.service", i), String.format("57a7%028d", i % 5000), "10.0.0." + (i % 250),
                String.format("%040x", i * 2654435761L), "loaded", "active", "running", 1_000_000L + i, i % 3,
                1_764_000_000_000_000L + i);
    }

    @Test
    void aLargeListingIsBoundInASmallHeap(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("listing.json");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(doc))) {
            out.write("{\"units\":[],\"states\":".getBytes(StandardCharsets.UTF_8));
            // generated as written: the parent holds no more than the child does
            Iterable<State> states = () -> new Iterator<>() {
                int next;

                @Override
                public boolean hasNext() {
                    return next < STATES;
                }

                @Override
                public State next() {
                    return state(next++);
                }
            };
            Json.write(states, out);
            out.write('}');
        }
        assertTrue(Files.size(doc) > 12_000_000, "the document is as large as meant: " + Files.size(doc));

        String classPath = Path.of(Json.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator + Path.of(LargeReadTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path output = dir.resolve("child.out");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath, Child.class.getName(), doc.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        String said = Files.readString(output);
        assertEquals(0, child.exitValue(), said);
        assertEquals("read " + STATES + " states", said.strip());
    }

    /** The child: reads the document as flotctl reads an answer (one byte array, bound to records). */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            byte[] bytes = Files.readAllBytes(Path.of(args[0]));
            Listing listing = Json.read(bytes, Listing.class, Json.Unknown.IGNORE);
            for (int i : new int[]{0, 1, STATES / 2, STATES - 1}) {
                if (!listing.states().get(i).equals(state(i))) {
                    throw new AssertionError("state " + i + " read as " + listing.states().get(i));
                }
            }
            System.out.println("read " + listing.states().size() + " states");
        }
    }
}
