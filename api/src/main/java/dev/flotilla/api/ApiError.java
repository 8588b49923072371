package dev.flotilla.api;

/** fleet v1's error body: {"error":{"code":404,"message":"..."}}. */
public record ApiError(Detail error) {
    public record Detail(int code, String message) {
    }

    public static ApiError of(int code, String message) {
        return new ApiError(new Detail(code, message));
    }
}
