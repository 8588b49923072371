package dev.flotilla.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority made with the openssl command: a CA, then server and client
 * certificates it signs (PEM, keys in PKCS#8 without a password), all in one folder.
 */
public final class TestCertificates {
    private final Path dir;
    private final String name;

    /** A certificate and its key. */
    public record Pair(Path cert, Path key) {
    }

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Makes a CA named {@code name} in {@code dir} (files {@code name}-ca.pem and {@code name}-ca.key). */
    public static TestCertificates authority(Path dir, String name) {
        TestCertificates ca = new TestCertificates(dir, name);
        ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.caKey(name).toString(), "-out", ca.caCert(name).toString(), "-days", "2",
                "-subj", "/CN=" + name + " test CA");
        return ca;
    }

    public Path ca() {
        return caCert(name);
    }

    private Path caCert(String n) {
        return dir.resolve(n + "-ca.pem");
    }

    private Path caKey(String n) {
        return dir.resolve(n + "-ca.key");
    }

    /** A server certificate for 127.0.0.1 (IP and "localhost"). */
    public Pair server(String file) {
        return issue(file, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth");
    }

    /** A client certificate with the given common name. */
    public Pair client(String file) {
        return issue(file, "extendedKeyUsage=clientAuth");
    }

    private Pair issue(String file, String extensions) {
        Path key = dir.resolve(file + ".key");
        Path csr = dir.resolve(file + ".csr");
        Path cert = dir.resolve(file + ".pem");
        Path ext = dir.resolve(file + ".ext");
        try {
            Files.writeString(ext, extensions + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + file);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca().toString(), "-CAkey", caKey(name).toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        return new Pair(cert, key);
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("openssl.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
