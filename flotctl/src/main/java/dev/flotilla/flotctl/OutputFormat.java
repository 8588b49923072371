package dev.flotilla.flotctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;

/** --output: fleetctl's tables for people, or JSON (the API's entities) for programs. */
enum OutputFormat {
    table, json;

    private static final ObjectMapper JSON = new ObjectMapper();

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new CommandFailure("cannot write JSON: " + e.getMessage());
        }
        out.flush();
    }
}
