package dev.flotilla.api.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may use the API over TCP. The unix socket is trusted (its file mode and group are its
 * access control); TCP is served over TLS only, with clients proving themselves by a certificate
 * signed by {@code clientCa} (read-write) or a bearer token of {@code tokens}. Plain HTTP is
 * possible on a loopback address alone, and only when asked for by {@code insecureLoopback}.
 *
 * @param tlsCert          the daemon's certificate chain (PEM)
 * @param tlsKey           its key (PEM, PKCS#8)
 * @param clientCa         CA bundle client certificates are verified against; none = certificates are not asked for
 * @param tokens           accepted bearer tokens (may be empty)
 * @param insecureLoopback serve plain HTTP on a loopback address (tokens, if any, are still required)
 */
public record ApiSecurity(Optional<Path> tlsCert, Optional<Path> tlsKey, Optional<Path> clientCa,
                          AccessTokens tokens, boolean insecureLoopback) {

    /** No TLS, no tokens: only the unix socket can be served. */
    public static final ApiSecurity UNIX_ONLY = new ApiSecurity(Optional.empty(), Optional.empty(), Optional.empty(),
            AccessTokens.none(), false);

    public ApiSecurity {
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("api_tls_cert and api_tls_key go together: give both or neither");
        }
        if (clientCa.isPresent() && tlsCert.isEmpty()) {
            throw new IllegalArgumentException("api_tls_client_ca needs TLS: set api_tls_cert and api_tls_key");
        }
    }

    /** Plain HTTP on loopback with no credentials: for tests and single-machine setups that ask for it. */
    public static ApiSecurity insecureLoopbackOnly() {
        return new ApiSecurity(Optional.empty(), Optional.empty(), Optional.empty(), AccessTokens.none(), true);
    }

    public boolean tls() {
        return tlsCert.isPresent();
    }

    /**
     * Why a TCP listener at this address may not be served with these settings, if so: the
     * message tells what to configure.
     */
    public Optional<String> refusal(InetSocketAddress address) {
        String where = address.getHostString() + ":" + address.getPort();
        if (tls()) {
            if (clientCa.isEmpty() && tokens.isEmpty()) {
                return Optional.of("api_listen=" + where + " has TLS but no way for clients to prove who they are: "
                        + "set api_tls_client_ca (client certificates) and/or api_tokens_file (bearer tokens)");
            }
            return Optional.empty();
        }
        boolean loopback = isLoopback(address.getHostString());
        if (insecureLoopback && loopback) {
            return Optional.empty();
        }
        if (insecureLoopback) {
            return Optional.of("api_listen=" + where + " is not a loopback address: api_insecure_loopback=true "
                    + "serves plain HTTP on 127.0.0.0/8 or ::1 only; set api_tls_cert and api_tls_key");
        }
        return Optional.of("api_listen=" + where + " needs TLS: set api_tls_cert and api_tls_key (and "
                + "api_tls_client_ca and/or api_tokens_file to authenticate clients)"
                + (loopback ? "; or, on this loopback address only, api_insecure_loopback=true for plain HTTP" : ""));
    }

    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
