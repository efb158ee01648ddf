package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.http.HttpIngestRequest;
import dev.dbre.ingest.http.HttpIngestResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * API Gateway HTTP API (payload format 2.0) events to the cloud-neutral {@link HttpIngestRequest}
 * and back. The only AWS-specific decoding is base64: API Gateway delivers a binary body (gzip)
 * base64-encoded with {@code isBase64Encoded: true}.
 */
final class ApiGatewayRequests {
    /** A body that is marked base64 but is not, or is too large before decoding. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private ApiGatewayRequests() {}

    /**
     * @param fallbackRequestId the Lambda request id, used when the event carries none
     * @throws Refused 413 when the base64 text alone decodes to more than the body limit; 400 when
     *     the body is marked base64 but is not
     */
    static HttpIngestRequest toRequest(APIGatewayV2HTTPEvent event, HttpIngestLimits limits, String fallbackRequestId)
            throws Refused {
        String body = event.getBody() == null ? "" : event.getBody();
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            // 4 base64 characters carry 3 bytes: refuse before decoding anything far too large.
            if ((long) body.length() / 4 * 3 > limits.maxBodyBytes() + 2L) {
                throw new Refused(413, "the body is limited to " + limits.maxBodyBytes() + " bytes");
            }
            try {
                bytes = Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "the body is marked isBase64Encoded but is not base64: " + e.getMessage());
            }
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        APIGatewayV2HTTPEvent.RequestContext rc = event.getRequestContext();
        String method = rc != null && rc.getHttp() != null && rc.getHttp().getMethod() != null
                ? rc.getHttp().getMethod()
                : "POST";
        String requestId = rc != null && rc.getRequestId() != null ? rc.getRequestId() : fallbackRequestId;
        String route = event.getRouteKey() != null ? event.getRouteKey() : "$default";
        return new HttpIngestRequest(method, event.getHeaders(), bytes, requestId, route);
    }

    static APIGatewayV2HTTPResponse toResponse(HttpIngestResponse r) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(r.status())
                .withHeaders(r.headers())
                .withBody(r.body())
                .withIsBase64Encoded(false)
                .build();
    }

    /** A refusal in the same JSON shape as {@code HttpIngest}'s errors. */
    static APIGatewayV2HTTPResponse refused(Refused e) {
        String body =
                Json.object("error", e.status == 413 ? "body too large" : "bad base64 body", "detail", e.getMessage());
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(e.status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
