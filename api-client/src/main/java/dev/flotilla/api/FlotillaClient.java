package dev.flotilla.api;

import dev.flotilla.model.DesiredState;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A typed client of the flotd HTTP API, for flotctl and for JVM orchestrators.
 * Every call throws {@link ApiException} with the server's message on failure; the status is
 * 0 when no answer came.
 */
public interface FlotillaClient extends AutoCloseable {

    static FlotillaClient connect(Endpoint endpoint, Duration requestTimeout) {
        return connect(endpoint, requestTimeout, Credentials.none());
    }

    /** A client that proves itself with the given TLS files and/or token (TCP endpoints only). */
    static FlotillaClient connect(Endpoint endpoint, Duration requestTimeout, Credentials credentials) {
        return new HttpFlotillaClient(endpoint, requestTimeout, credentials);
    }

    /** All machines of the cluster, following pages. */
    List<MachineEntity> machines();

    EngineStatus engine();

    /**
     * Every machine with its capacity, what is allocated on it and how many units it holds
     * ({@code GET /flotilla/v1/machines}), by id.
     */
    List<MachineDetail> machineDetails();

    // ---- fleet v1 ----

    /** Every unit in fleet's shape, following pages ({@code GET /fleet/v1/units}). */
    List<Unit> units();

    /** One unit in fleet's shape; empty if there is none. */
    Optional<Unit> unit(String name);

    /**
     * fleet's {@code PUT /fleet/v1/units/{name}}: creates the unit from its options, replaces one
     * whose options differ, or sets the desired state of an existing one.
     *
     * @return true if a unit was created or replaced (201), false if only its desired state was set (204)
     */
    boolean putUnit(Unit unit);

    /** Destroys the unit; false if there was none. */
    boolean deleteUnit(String name);

    /**
     * Published unit states, following pages ({@code GET /fleet/v1/state}).
     *
     * @param machineId only this machine's states, or "" for all
     * @param unitName  only this unit's states, or "" for all
     */
    List<UnitStateEntity> unitStates(String machineId, String unitName);

    // ---- Flotilla v1 ----

    /** Every unit and every state, with all that the list commands show, in one call. */
    UnitListing listing();

    /** The same as {@link #listing()} for the named units only (empty = all). */
    UnitListing listing(Collection<String> unitNames);

    /** Only the given parts of the listing (the other part comes back empty), for the named units (empty = all). */
    UnitListing listing(Collection<String> unitNames, java.util.Set<UnitListing.Part> parts);

    /** One unit with its exact text; empty if there is none. */
    Optional<UnitDetail> unitDetail(String name);

    /**
     * Creates the unit from its exact text, or keeps an existing unit with the same text. A unit
     * whose text differs is replaced only if {@code replace} is set, else a 409 is thrown.
     *
     * @param desired the desired state to set, or null to keep it (a new unit starts inactive)
     */
    UnitChange submit(String name, String text, DesiredState desired, boolean replace);

    /** Sets the desired state of an existing unit (any target; no step-by-step rule through the API). */
    UnitChange setDesiredState(String name, DesiredState desired);

    /**
     * Many units in one request ({@code POST /flotilla/v1/units}), each as {@link #submit} or
     * {@link #setDesiredState} (a null text) would treat it. The server checks every unit before
     * it writes any: an invalid one fails the whole call (ApiException 400 naming it). What
     * depends on the cluster comes back per unit, in the order given: {@link UnitResult#code()}
     * 201/200, or 404 (no such unit, no text) and 409 (differs without replace).
     */
    List<UnitResult> submitAll(List<UnitSubmission> units);

    /**
     * Where the scheduler would put these units, writing nothing ({@code POST /flotilla/v1/plan}).
     * Each is given as to {@link #submitAll}: a text (new, or instead of the cluster's), or only a
     * name (the cluster's unit); a desired state, or null for the cluster's. An invalid unit fails
     * the call (ApiException 400 naming it, with its line), as does a name without text that the
     * cluster does not have (404).
     */
    PlanReport plan(List<UnitSubmission> units);

    // ---- a unit on its machine ----

    /**
     * {@code systemctl status} of the unit, run by the daemon of the machine it runs on. The
     * daemon asked must be that one: another answers 421 naming the machine and its API URL
     * ({@link MachineEntity#apiURL()}), where the caller asks again.
     */
    String unitStatus(String name);

    /**
     * {@code journalctl -u} of the unit on its machine (same rule as {@link #unitStatus}): the
     * last {@code lines} lines, then, with {@code follow}, new lines as they come until the
     * connection is closed. Blocks while it copies to {@code out}.
     */
    void journal(String name, int lines, boolean follow, java.io.OutputStream out);

    // ---- events ----

    /**
     * Follows the cluster's changes from {@code since} (0 = a snapshot of the current state
     * first) on a thread of its own: each {@link ClusterEvent} is one etcd revision, in order.
     * Lost connections and 5xx answers are retried, resuming after the last revision handed to
     * {@code listener} (each failure is also given to {@code onError}); a 4xx ends the stream.
     */
    EventStream events(long since, java.util.function.Consumer<ClusterEvent> listener,
                       java.util.function.Consumer<ApiException> onError);

    /** Starts a rollout (POST /flotilla/v1/rollouts); a unit in another rollout: ApiException 409. */
    RolloutView startRollout(RolloutRequest request);

    /** Every rollout the cluster keeps, newest first. */
    List<RolloutView> rollouts();

    Optional<RolloutView> rollout(String id);

    /** Asks for pause, resume or abort (the engine carries it out at its next step). */
    RolloutView requestRollout(String id, String action);

    @Override
    void close();
}
