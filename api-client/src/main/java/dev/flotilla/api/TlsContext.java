package dev.flotilla.api;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;

/** The client's TLS: trust the given CA (else the JDK's), present the client certificate if any. */
final class TlsContext {
    private TlsContext() {
    }

    static SSLSocketFactory clientFactory(Credentials c) {
        if (c.caFile().isEmpty() && c.certFile().isEmpty()) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try {
            TrustManagerFactory tmf = null;
            if (c.caFile().isPresent()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(Pem.trustStore(c.caFile().get()));
            }
            KeyManagerFactory kmf = null;
            if (c.certFile().isPresent()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(Pem.keyStore(c.certFile().get(), c.keyFile().orElseThrow()), Pem.keyPassword());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new ApiException("cannot set up TLS: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ApiException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
