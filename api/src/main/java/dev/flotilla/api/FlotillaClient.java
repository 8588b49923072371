package dev.flotilla.api;

import java.time.Duration;

/**
 * A typed client of the flotd HTTP API, for flotctl and for JVM orchestrators.
 * Every call throws {@link ApiException} with the server's message on failure.
 */
public interface FlotillaClient extends AutoCloseable {

    static FlotillaClient connect(Endpoint endpoint, Duration requestTimeout) {
        return new HttpFlotillaClient(endpoint, requestTimeout);
    }

    /** All machines of the cluster, following pages. */
    java.util.List<Machine> machines();

    EngineStatus engine();

    @Override
    void close();
}
