package dev.flotilla.registry;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes what a test opened, newest first, after each test:
 * {@code @RegisterExtension final Closer closer = new Closer();}
 */
public final class Closer implements AfterEachCallback {
    private final List<AutoCloseable> open = new ArrayList<>();

    public <T extends AutoCloseable> T add(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }
}
