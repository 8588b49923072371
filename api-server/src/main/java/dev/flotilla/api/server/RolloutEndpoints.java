package dev.flotilla.api.server;

import dev.flotilla.api.RolloutPage;
import dev.flotilla.api.RolloutRequest;
import dev.flotilla.api.RolloutView;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.Rollout;
import dev.flotilla.model.RolloutSettings;
import dev.flotilla.model.RolloutUnit;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Rollouts;
import dev.flotilla.registry.Versioned;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /flotilla/v1/rollouts}: start a rollout, list them, read one, and ask for pause, resume or
 * abort. This daemon only writes the record (and the client's requests): the engine leader advances
 * it. Everything is checked before anything is written.
 */
final class RolloutEndpoints {
    /** Most units changed at once: a batch's unit writes must fit etcd's transaction limits. */
    static final int MAX_PARALLEL = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Registry registry;

    RolloutEndpoints(Registry registry) {
        this.registry = registry;
    }

    /** POST /flotilla/v1/rollouts: 201 with the new rollout; 409 if a unit is in another. */
    void start(Exchange ex) {
        ex.requireJson();
        RolloutRequest body = ex.jsonBody(RolloutRequest.class, true);
        RolloutSettings settings = settings(body);
        if (body.units() == null || body.units().isEmpty()) {
            throw HttpFailure.badRequest("units: a rollout needs at least one unit");
        }
        if (body.units().size() > Rollouts.MAX_UNITS) {
            throw HttpFailure.badRequest("units: a rollout takes at most " + Rollouts.MAX_UNITS + " units, not "
                    + body.units().size() + "; roll them in parts");
        }
        Set<String> seen = new HashSet<>();
        List<String> globals = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        List<Machine> machines = registry.machines().value().stream().sorted(Comparator.comparing(Machine::id)).toList();
        List<RolloutUnit> units = new ArrayList<>();
        Map<String, String> texts = new HashMap<>();
        for (RolloutRequest.RolloutUnitText u : body.units()) {
            if (u == null || u.name() == null || u.text() == null) {
                throw HttpFailure.badRequest("units: each needs a name and a text");
            }
            UnitName name = UnitInput.name(u.name());
            if (!seen.add(name.value())) {
                throw HttpFailure.badRequest("units: " + name + " is given twice");
            }
            if (name.isTemplate()) {
                throw HttpFailure.badRequest(name + " is a template: roll its instances (e.g. " + name.instantiate("1") + ")");
            }
            UnitFile file = UnitInput.text(name, u.text());
            UnitRecord current = registry.unit(name.value()).map(Versioned::value).orElseThrow(() ->
                    HttpFailure.notFound(name + " is not submitted: a rollout replaces the text of units that exist"));
            if (current.desired() != DesiredState.LAUNCHED) {
                throw HttpFailure.conflict(name + " is " + current.desired().fleetName()
                        + ", not launched: a rollout replaces running units; replace it directly");
            }
            boolean global = UnitFacts.of(current).global();
            if (global != file.fleet().global()) {
                throw HttpFailure.badRequest(name + ": a rollout keeps a unit global or not (Global=" + global
                        + " now); replace it directly");
            }
            if (current.hash().equals(file.hash())) {
                continue; // already at this text: passed over
            }
            texts.put(current.hash(), current.text());
            texts.put(file.hash(), file.text());
            if (global) {
                globals.add(name.value());
                // One step per machine that runs it now; a machine that joins later follows the global.
                UnitFacts facts = UnitFacts.of(current);
                for (Machine m : machines) {
                    if (facts.fleet().metadata().matches(m.metadata())) {
                        units.add(RolloutUnit.pendingOn(m.id(), name.value(), current.hash(), file.hash()));
                    }
                }
            } else {
                plain.add(name.value());
                units.add(RolloutUnit.pending(name.value(), current.hash(), file.hash()));
            }
        }
        if (!globals.isEmpty() && !plain.isEmpty()) {
            throw HttpFailure.badRequest("units: global units (" + String.join(", ", globals) + ") are rolled machine by machine"
                    + " in a rollout of their own, not with " + String.join(", ", plain));
        }
        if (units.isEmpty()) {
            throw HttpFailure.conflict(globals.isEmpty() ? "nothing to roll: every unit already has its new text"
                    : "nothing to roll: no machine runs " + String.join(", ", globals) + "; replace it directly");
        }
        long now = System.currentTimeMillis();
        Rollout rollout = new Rollout(newId(now), units, texts, settings, Rollout.Phase.RUNNING, Rollout.Request.NONE, "", now, now);
        Rollouts.Creation created;
        try {
            created = registry.createRollout(rollout);
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(413, "the rollout is too big: " + e.getMessage());
        }
        if (created instanceof Rollouts.Creation.Busy busy) {
            throw HttpFailure.conflict(busy.unit() + " is in rollout " + busy.rolloutId()
                    + ", which has not ended; wait for it, or abort it (flotctl rollout abort " + busy.rolloutId() + ")");
        }
        ex.json(201, view(rollout));
    }

    private static RolloutSettings settings(RolloutRequest body) {
        RolloutSettings d = RolloutSettings.DEFAULT;
        int maxParallel = body.maxParallel() == null ? d.maxParallel() : body.maxParallel();
        if (maxParallel < 1 || maxParallel > MAX_PARALLEL) {
            throw HttpFailure.badRequest("maxParallel: expected 1 to " + MAX_PARALLEL + ", not " + maxParallel);
        }
        Duration minHealthy = body.minHealthySeconds() == null ? d.minHealthy() : seconds("minHealthySeconds", body.minHealthySeconds());
        Duration deadline = body.healthyDeadlineSeconds() == null ? d.healthyDeadline()
                : seconds("healthyDeadlineSeconds", body.healthyDeadlineSeconds());
        try {
            return new RolloutSettings(maxParallel, minHealthy, deadline, Boolean.TRUE.equals(body.autoRevert()));
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
    }

    private static Duration seconds(String field, double value) {
        if (!(value >= 0) || value > 86_400 * 7) {
            throw HttpFailure.badRequest(field + ": expected 0 to 604800 seconds, not " + value);
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }

    /** Sortable by creation and short: base-36 milliseconds and four random characters. */
    private static String newId(long now) {
        StringBuilder id = new StringBuilder(Long.toString(now, 36));
        for (int i = 0; i < 4; i++) {
            id.append(Character.forDigit(RANDOM.nextInt(36), 36));
        }
        return id.toString();
    }

    /** GET /flotilla/v1/rollouts: newest first. */
    void list(Exchange ex) {
        List<RolloutView> views = registry.rollouts().stream().map(Versioned::value)
                .sorted(Comparator.comparingLong(Rollout::createdMillis).reversed().thenComparing(Rollout::id))
                .map(RolloutEndpoints::view).toList();
        ex.json(200, new RolloutPage(views));
    }

    void get(Exchange ex, String id) {
        ex.json(200, view(find(id).value()));
    }

    /** POST /flotilla/v1/rollouts/{id}/pause|resume|abort: 202, carried out at the engine's next step. */
    void request(Exchange ex, String id, String action) {
        Rollout.Request request = switch (action) {
            case "pause" -> Rollout.Request.PAUSE;
            case "resume" -> Rollout.Request.RESUME;
            case "abort" -> Rollout.Request.ABORT;
            default -> throw HttpFailure.notFound("no such action on a rollout: " + action + " (pause, resume or abort)");
        };
        for (int attempt = 0; attempt < 10; attempt++) {
            Versioned<Rollout> current = find(id);
            Rollout r = current.value();
            String refusal = refusal(r, request);
            if (refusal != null) {
                throw HttpFailure.conflict("rollout " + id + " is " + r.phase().apiName() + ": " + refusal);
            }
            if (registry.requestRollout(id, request, current.revision())) {
                ex.json(202, view(r.withRequest(request)));
                return;
            }
        }
        throw HttpFailure.busy("rollout " + id + " changes too often to take the request; try again");
    }

    private static String refusal(Rollout r, Rollout.Request request) {
        if (r.phase().ended()) {
            return "it has ended";
        }
        return switch (request) {
            case PAUSE -> r.phase() == Rollout.Phase.RUNNING ? null : "only a running rollout can be paused";
            case RESUME -> r.phase() == Rollout.Phase.PAUSED ? null : "only a paused rollout can be resumed";
            default -> null;
        };
    }

    private Versioned<Rollout> find(String id) {
        Optional<Versioned<Rollout>> r = id.isEmpty() || id.length() > 64 ? Optional.empty() : registry.rollout(id);
        return r.orElseThrow(() -> HttpFailure.notFound("no such rollout: " + id));
    }

    static RolloutView view(Rollout r) {
        return new RolloutView(r.id(), r.phase().apiName(), r.request().name().toLowerCase(java.util.Locale.ROOT), r.reason(),
                r.settings().maxParallel(), r.settings().minHealthy().toMillis() / 1000.0,
                r.settings().healthyDeadline().toMillis() / 1000.0, r.settings().autoRevert(), r.createdMillis(),
                r.updatedMillis(), r.units().stream().map(u -> new RolloutView.Unit(u.key(), u.oldHash(), u.newHash(),
                u.step().apiName(), u.detail())).toList());
    }
}
