package dev.flotilla.flotctl;

import dev.flotilla.json.Json;
import dev.flotilla.json.JsonException;

import java.io.PrintWriter;

/** --output: fleetctl's tables for people, or JSON (the API's entities) for programs. */
enum OutputFormat {
    table, json;

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(Json.writeString(value));
        } catch (JsonException e) {
            throw new CommandFailure("cannot write JSON: " + e.getMessage());
        }
        out.flush();
    }
}
