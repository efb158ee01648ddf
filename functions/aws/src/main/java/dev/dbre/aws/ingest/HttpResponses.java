package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON bodies of the HTTP ingest endpoint, written with Jackson. */
final class HttpResponses {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Seconds a client should wait before retrying after a 503. */
    static final int RETRY_AFTER_SECONDS = 2;

    /** 202: the body was taken (stored, stored with rejects, or already stored before). */
    record Accepted(long batchId, long stored, long rejected, boolean duplicate) {}

    /** 4xx/5xx: what was wrong; {@code line} and {@code reason} name the first bad line when known. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Problem(String error, Integer line, String reason) {
        Problem(String error) {
            this(error, null, null);
        }
    }

    private HttpResponses() {}

    static APIGatewayV2HTTPResponse accepted(Accepted body) {
        return json(202, body, Map.of());
    }

    static APIGatewayV2HTTPResponse problem(int status, Problem body) {
        return json(status, body, Map.of());
    }

    static APIGatewayV2HTTPResponse unavailable(String why) {
        return json(503, new Problem(why), Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
    }

    private static APIGatewayV2HTTPResponse json(int status, Object body, Map<String, String> extraHeaders) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            // Records of strings and numbers always serialize; keep a valid response regardless.
            status = 500;
            text = "{\"error\":\"could not write the response\"}";
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.putAll(extraHeaders);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(text)
                .withIsBase64Encoded(false)
                .build();
    }
}
