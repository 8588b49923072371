package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

import java.util.List;

/**
 * The body of {@code POST /flotilla/v1/rollouts}: the units to roll, each with its new text, and
 * the settings (null: the default of each).
 */
@JsonOmit(JsonOmit.When.NULL)
public record RolloutRequest(List<RolloutUnitText> units, Integer maxParallel, Double minHealthySeconds,
                             Double healthyDeadlineSeconds, Boolean autoRevert) {

    /** One unit and the text it is to get. */
    public record RolloutUnitText(String name, String text) {
    }
}
