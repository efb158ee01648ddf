package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.dbre.aws.event.ApiGatewayHttp;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.http.HttpIngestRequest;
import dev.dbre.ingest.http.HttpIngestResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

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
        return new HttpIngestRequest(
                ApiGatewayHttp.method(event),
                event.getHeaders(),
                bytes,
                ApiGatewayHttp.requestId(event, fallbackRequestId),
                ApiGatewayHttp.route(event));
    }

    static APIGatewayV2HTTPResponse toResponse(HttpIngestResponse r) {
        return ApiGatewayHttp.response(r.status(), r.headers(), r.body());
    }

    /** The answer when the core throws (it reports faults as statuses, so this is a bug). */
    static APIGatewayV2HTTPResponse internalError() {
        return ApiGatewayHttp.json(500, Json.object("error", "internal error"));
    }

    /** A refusal in the same JSON shape as {@code HttpIngest}'s errors. */
    static APIGatewayV2HTTPResponse refused(Refused e) {
        String body =
                Json.object("error", e.status == 413 ? "body too large" : "bad base64 body", "detail", e.getMessage());
        return ApiGatewayHttp.json(e.status, body);
    }
}
