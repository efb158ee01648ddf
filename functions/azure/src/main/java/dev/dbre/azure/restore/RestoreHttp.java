package dev.dbre.azure.restore;

import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import dev.dbre.restore.RestoreEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The restore HTTP functions' body in (UTF-8 text, empty when none) and JSON answer out. */
final class RestoreHttp {
    private RestoreHttp() {}

    static String body(HttpRequestMessage<Optional<byte[]>> request) {
        return request.getBody().map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    static HttpResponseMessage json(HttpRequestMessage<Optional<byte[]>> request, RestoreEndpoint.Response r) {
        return request.createResponseBuilder(HttpStatusType.custom(r.status()))
                .header("Content-Type", "application/json")
                .body(r.json())
                .build();
    }
}
