package dev.flotilla.api;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a flotd API listens: {@code unix:///run/flotilla/flotd.sock} or {@code http://host:port}
 * ({@code https://} for TLS).
 */
public record Endpoint(URI baseUri, Optional<Path> unixSocket) {
    public static final String DEFAULT = "unix:///run/flotilla/flotd.sock";

    public static Endpoint parse(String text) {
        String s = text.trim();
        if (s.startsWith("unix://")) {
            String path = s.substring("unix://".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a unix endpoint needs an absolute path: " + text);
            }
            return new Endpoint(URI.create("http://localhost"), Optional.of(Path.of(path)));
        }
        if (s.startsWith("http://") || s.startsWith("https://")) {
            URI uri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host in endpoint " + text);
            }
            return new Endpoint(uri, Optional.empty());
        }
        throw new IllegalArgumentException("endpoint must start with unix://, http:// or https://: " + text);
    }

    @Override
    public String toString() {
        return unixSocket.map(p -> "unix://" + p).orElse(baseUri.toString());
    }
}
