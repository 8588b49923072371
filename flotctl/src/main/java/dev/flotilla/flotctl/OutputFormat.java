package dev.flotilla.flotctl;

import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;

import java.io.PrintWriter;

/** --output: fleetctl's tables for people, or JSON (the API's entities) for programs. */
enum OutputFormat {
    table, json;

    /** Streamed: a listing of 100,000 states is never one string (flotctl's heap is small). */
    static void printJson(PrintWriter out, Object value) {
        try {
            Json.write(value, new CharsOut(out));
            out.println();
        } catch (JsonException e) {
            throw new CommandFailure("cannot write JSON: " + e.getMessage());
        }
        out.flush();
    }
}
