package dev.flotilla.engine.scheduler;

/**
 * What the user wants of a unit, as the scheduler sees it. Kept here (not shared with the
 * registry) so the scheduler stays a leaf: the engine maps its own state onto this one.
 */
public enum DesiredState {
    INACTIVE, LOADED, LAUNCHED
}
