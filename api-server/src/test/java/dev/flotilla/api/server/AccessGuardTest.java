package dev.flotilla.api.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access rules alone: who may do what on which listener. */
class AccessGuardTest {
    private static final String RW = "rw-0123456789abcdef";
    private static final String RO = "ro-0123456789abcdef";
    private static final AccessTokens TOKENS = AccessTokens.parse("t", List.of(RW + " rw ci", RO + " ro grafana"));
    private static final AccessGuard TLS = new AccessGuard(new ApiSecurity(Optional.of(Path.of("c")), Optional.of(Path.of("k")),
            Optional.of(Path.of("ca")), TOKENS, false));

    private static AccessGuard.Arrival tls(String auth, boolean cert, String method) {
        return new AccessGuard.Arrival(true, true, auth, cert, method);
    }

    private static int status(AccessGuard g, AccessGuard.Arrival a) {
        return assertThrows(HttpFailure.class, () -> g.check(a)).status();
    }

    @Test
    void theUnixSocketIsTrusted() {
        assertEquals("unix socket", TLS.check(new AccessGuard.Arrival(false, false, null, false, "DELETE")));
    }

    @Test
    void tcpNeedsACredential() {
        HttpFailure f = assertThrows(HttpFailure.class, () -> TLS.check(tls(null, false, "GET")));
        assertEquals(401, f.status());
        assertTrue(f.challenge());
        assertEquals(401, status(TLS, tls("Bearer nope-nope-nope-nope", false, "GET")));
        assertEquals(401, status(TLS, tls("Basic " + RW, false, "GET")));
        // a wrong token is refused even with a valid certificate: what is presented must be right
        assertEquals(401, status(TLS, tls("Bearer wrong-token-0000000", true, "GET")));
    }

    @Test
    void readOnlyTokensMayOnlyRead() {
        assertEquals("token grafana", TLS.check(tls("Bearer " + RO, false, "GET")));
        assertEquals(403, status(TLS, tls("Bearer " + RO, false, "PUT")));
        assertEquals(403, status(TLS, tls("bearer " + RO, false, "DELETE")));
        assertEquals("token ci", TLS.check(tls("Bearer " + RW, false, "DELETE")));
    }

    @Test
    void aVerifiedClientCertificateMayWrite() {
        assertEquals("client certificate", TLS.check(tls(null, true, "PUT")));
    }

    @Test
    void plainHttpOnTheTlsPortIs400() {
        assertEquals(400, status(TLS, new AccessGuard.Arrival(true, false, "Bearer " + RW, false, "GET")));
    }

    @Test
    void insecureLoopbackIsOpenWithoutTokensAndClosedWithThem() {
        AccessGuard open = new AccessGuard(ApiSecurity.insecureLoopbackOnly());
        assertEquals("loopback", open.check(new AccessGuard.Arrival(true, false, null, false, "PUT")));
        AccessGuard withTokens = new AccessGuard(new ApiSecurity(Optional.empty(), Optional.empty(), Optional.empty(),
                TOKENS, true));
        assertEquals(401, status(withTokens, new AccessGuard.Arrival(true, false, null, false, "GET")));
        assertEquals("token ci", withTokens.check(new AccessGuard.Arrival(true, false, "Bearer " + RW, false, "PUT")));
    }

    @Test
    void thePageNeedsNoCredentialButTlsWhereThePortSpeaksItAndIsReadOnly() {
        TLS.checkPage(tls(null, false, "GET"));
        TLS.checkPage(tls(null, false, "HEAD"));
        new AccessGuard(ApiSecurity.insecureLoopbackOnly()).checkPage(new AccessGuard.Arrival(true, false, null, false, "GET"));
        assertEquals(400, assertThrows(HttpFailure.class,
                () -> TLS.checkPage(new AccessGuard.Arrival(true, false, null, false, "GET"))).status());
        assertEquals(405, assertThrows(HttpFailure.class, () -> TLS.checkPage(tls("Bearer " + RW, true, "POST"))).status());
    }
}
