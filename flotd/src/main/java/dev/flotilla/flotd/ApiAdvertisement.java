package dev.flotilla.flotd;

import java.net.InetSocketAddress;
import java.util.Optional;

/** The URL other machines and flotctl reach this daemon's TCP API at, as the machine record announces it. */
final class ApiAdvertisement {
    private ApiAdvertisement() {
    }

    /**
     * {@code https://host:port} (http:// when plain), the host being api_listen's, or public_ip
     * when api_listen binds every address; "" without a TCP API or on port 0 (not known yet).
     */
    static String url(Optional<InetSocketAddress> listen, boolean tls, String publicIp) {
        if (listen.isEmpty() || listen.get().getPort() == 0) {
            return "";
        }
        String host = listen.get().getHostString();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = publicIp;
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (tls ? "https://" : "http://") + host + ":" + listen.get().getPort();
    }
}
