package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The URL a machine record announces for its daemon's TCP API. */
class ApiAdvertisementTest {
    @Test
    void theAdvertisedUrlFollowsApiListen() {
        assertEquals("", ApiAdvertisement.url(Optional.empty(), true, "10.0.0.5"));
        assertEquals("https://10.0.0.5:49153",
                ApiAdvertisement.url(Optional.of(InetSocketAddress.createUnresolved("0.0.0.0", 49153)), true, "10.0.0.5"));
        assertEquals("http://127.0.0.12:49153",
                ApiAdvertisement.url(Optional.of(InetSocketAddress.createUnresolved("127.0.0.12", 49153)), false, "10.0.0.5"));
        assertEquals("https://[fd00::5]:49153",
                ApiAdvertisement.url(Optional.of(InetSocketAddress.createUnresolved("fd00::5", 49153)), true, "x"));
    }
}
