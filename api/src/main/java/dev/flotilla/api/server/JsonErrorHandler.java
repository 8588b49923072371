package dev.flotilla.api.server;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (a malformed request line, oversized headers, ...) get fleet's JSON
 * body too, never an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        Exchange.error(response, callback, code, describe(code, message));
    }

    private static String describe(int code, String message) {
        return message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    }
}
