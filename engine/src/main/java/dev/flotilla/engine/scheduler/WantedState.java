package dev.flotilla.engine.scheduler;

/**
 * The state the user wants a unit in, as the scheduler sees it. Kept here (not shared with the
 * registry) so the scheduler stays a leaf: the engine maps the registry's {@code DesiredState} onto
 * this one (named apart, so the two are never mixed up in one file).
 */
public enum WantedState {
    INACTIVE, LOADED, LAUNCHED
}
