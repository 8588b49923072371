package dev.flotilla.agent;

/** A start or stop job the agent sent and whose end it has not seen yet. */
enum JobKind {
    START, STOP
}
