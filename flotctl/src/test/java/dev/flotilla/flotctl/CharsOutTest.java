package dev.flotilla.flotctl;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CharsOutTest {
    @Test
    void charactersSplitBetweenWritesArePrintedWhole() {
        String text = "a é € \uD83D\uDE80 z";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            for (int second = cut; second <= bytes.length; second++) {
                StringWriter sw = new StringWriter();
                CharsOut out = new CharsOut(new PrintWriter(sw));
                out.write(bytes, 0, cut);
                out.write(bytes, cut, second - cut);
                out.write(bytes, second, bytes.length - second);
                out.flush();
                assertEquals(text, sw.toString(), "cut at " + cut + " and " + second);
            }
        }
    }
}
