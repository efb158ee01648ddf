package dev.dbre.gcp.trigger;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;

/** The Functions Framework's HTTP request and response, read and written the one way every HTTP function does. */
public final class HttpExchange {
    private HttpExchange() {}

    /** The first value of each header, names matched case-insensitively. */
    public static Map<String, String> headers(HttpRequest request) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.getHeaders().forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                out.putIfAbsent(name, values.get(0));
            }
        });
        return out;
    }

    /**
     * At most {@code maxBytes + 1} bytes of the body: enough to tell a body over the limit (413)
     * without buffering an arbitrarily large one.
     */
    public static byte[] body(HttpRequest request, int maxBytes) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in.readNBytes(maxBytes + 1);
        }
    }

    /** Writes the status, the headers ({@code Content-Type} as the content type) and the body. */
    public static void write(HttpResponse response, int status, Map<String, String> headers, String body)
            throws IOException {
        response.setStatusCode(status);
        headers.forEach((name, value) -> {
            if (name.equalsIgnoreCase("Content-Type")) {
                response.setContentType(value);
            } else {
                response.appendHeader(name, value);
            }
        });
        try (Writer w = response.getWriter()) {
            w.write(body);
        }
    }

    /** Writes a JSON answer. */
    public static void writeJson(HttpResponse response, int status, String json) throws IOException {
        write(response, status, Map.of("Content-Type", "application/json"), json);
    }
}
