package dev.flotilla.api.server;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (a malformed request line, oversized headers, a bad Content-Length,
 * ...) get fleet's JSON body too, never an HTML page, and for every method: Jetty's own handler
 * leaves the body empty for all but GET, POST and HEAD.
 */
final class JsonErrorHandler extends ErrorHandler {
    /** Every method gets the body but HEAD, whose answer has none by definition (else it would corrupt the connection). */
    @Override
    public boolean errorPageForMethod(String method) {
        return !"HEAD".equals(method);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        Exchange.error(response, callback, code, describe(code, message));
    }

    private static String describe(int code, String message) {
        return message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    }
}
