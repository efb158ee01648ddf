package dev.dbre.aws.event;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * API Gateway HTTP API events (payload format 2.0) read and answered in one place: the request's
 * method, route, request id and body (base64 when {@code isBase64Encoded}: API Gateway's way of
 * passing a binary body), and a response. Every field may be missing in a hand-made event: each has
 * the default API Gateway itself would use.
 */
public final class ApiGatewayHttp {
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json");

    private ApiGatewayHttp() {}

    /** {@code requestContext.http.method}, else POST (the routes are POST routes). */
    public static String method(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext rc = event.getRequestContext();
        return rc != null && rc.getHttp() != null && rc.getHttp().getMethod() != null
                ? rc.getHttp().getMethod()
                : "POST";
    }

    /** {@code requestContext.requestId}, else {@code fallback} (the Lambda request id). */
    public static String requestId(APIGatewayV2HTTPEvent event, String fallback) {
        APIGatewayV2HTTPEvent.RequestContext rc = event.getRequestContext();
        return rc != null && rc.getRequestId() != null ? rc.getRequestId() : fallback;
    }

    /** {@code routeKey}, else {@code $default}. */
    public static String route(APIGatewayV2HTTPEvent event) {
        return event.getRouteKey() != null ? event.getRouteKey() : "$default";
    }

    /**
     * The body as text (UTF-8 after base64 when {@code isBase64Encoded}), or null when there is none.
     *
     * @throws BadEventException naming {@code body} when it is marked base64 but is not
     */
    public static String textBody(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null || !event.getIsBase64Encoded()) {
            return body;
        }
        try {
            return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadEventException("body", "is marked isBase64Encoded but is not valid base64");
        }
    }

    /** A response with a JSON body. */
    public static APIGatewayV2HTTPResponse json(int status, String json) {
        return response(status, JSON_HEADERS, json);
    }

    /** A response with a text body (never base64). */
    public static APIGatewayV2HTTPResponse response(int status, Map<String, String> headers, String body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
