package dev.flotilla.testvms;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * What {@code test-vms/cluster up} made for the cluster's TLS API in {@code STATE/tls}: the CA
 * every daemon's certificate is signed by, a client certificate of that CA, a read-write and a
 * read-only bearer token. Inside machine mK the same files are at {@link #MACHINE_DIR}.
 */
public record ClusterTls(Path caFile, Path clientCertFile, Path clientKeyFile, Path tokenFile, Path readOnlyTokenFile) {
    /** Where every machine sees its certificate, the CA, the client certificate and the tokens. */
    public static final String MACHINE_DIR = "/etc/flotilla/tls";

    static ClusterTls in(Path stateDir) {
        Path d = stateDir.resolve("tls");
        return new ClusterTls(d.resolve("ca.pem"), d.resolve("client.pem"), d.resolve("client-key.pem"),
                d.resolve("token"), d.resolve("token-ro"));
    }

    /** The read-write token. */
    public String token() {
        return read(tokenFile);
    }

    /** A TLS context trusting only the cluster's CA. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new ClusterException("can't use the cluster's CA " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** curl's options inside a machine to reach any daemon's TLS API with the client certificate. */
    public static String[] curlOptionsInMachine() {
        return new String[]{"--cacert", MACHINE_DIR + "/ca.pem", "--cert", MACHINE_DIR + "/client.pem",
                "--key", MACHINE_DIR + "/client-key.pem"};
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + p, e);
        }
    }
}
