package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

/**
 * fleet v1's error body: {"error":{"code":404,"message":"..."}}. A 421 (the unit runs on another
 * machine) also names that machine's daemon: {@code "apiURL"}, empty when it has no TCP API.
 */
public record ApiError(Detail error) {
    @JsonOmit(JsonOmit.When.EMPTY)
    public record Detail(int code, String message, String apiURL) {
    }

    public static ApiError of(int code, String message) {
        return of(code, message, null);
    }

    public static ApiError of(int code, String message, String apiURL) {
        return new ApiError(new Detail(code, message, apiURL));
    }
}
