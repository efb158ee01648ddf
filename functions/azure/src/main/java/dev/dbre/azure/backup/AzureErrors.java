package dev.dbre.azure.backup;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import java.io.IOException;

/**
 * The one table that maps ARM errors onto {@link ProviderError} kinds; ARM's code and message
 * travel beside the kind for the operator. By ARM's error code first, then by HTTP status:
 *
 * <ul>
 *   <li>QUOTA_EXCEEDED: a code with {@code QuotaExceeded} in it (whatever the status): a count,
 *       freed by deleting, not by waiting, so not retried.
 *   <li>ALREADY_EXISTS: a code with {@code AlreadyExists} in it.
 *   <li>THROTTLED (retried): 429 (ARM throttling).
 *   <li>BUSY (retried): any other 409: another operation holds the server.
 *   <li>NOT_FOUND: 404; ACCESS_DENIED: 401, 403; INVALID_REQUEST: 400.
 *   <li>UNAVAILABLE (retried): 5xx, and faults without a response.
 *   <li>OTHER: any other 4xx.
 * </ul>
 */
final class AzureErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AzureErrors() {}

    /** The HTTP status of {@code e}, or 0 when there was no response. */
    static int status(RuntimeException e) {
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return h.getResponse().getStatusCode();
        }
        return 0;
    }

    static ProviderException map(RuntimeException e, String doing) {
        if (e instanceof ProviderException p) {
            return p;
        }
        int status = status(e);
        if (status == 0) {
            return new ProviderException(ProviderError.UNAVAILABLE, "ClientError", doing + ": " + e.getMessage(), e);
        }
        String code = e instanceof ManagementException m
                        && m.getValue() != null
                        && m.getValue().getCode() != null
                ? m.getValue().getCode()
                : "HTTP" + status;
        String message = e instanceof ManagementException m && m.getValue() != null
                ? m.getValue().getMessage()
                : e.getMessage();
        return new ProviderException(kind(code, status), code, doing + ": " + message, e);
    }

    /** An ARM error response read by hand (the backups REST calls). */
    static ProviderException fromArm(int status, String body, String doing) {
        String code = "HTTP" + status;
        String message = body;
        try {
            JsonNode err = JSON.readTree(body).path("error");
            if (err.hasNonNull("code")) {
                code = err.get("code").asText();
                message = err.path("message").asText(body);
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the raw body as the message
        }
        return new ProviderException(kind(code, status), code, doing + ": " + message, null);
    }

    /** No answer from ARM (connection refused or reset, timeout): worth another try. */
    static ProviderException noAnswer(Exception e, String doing) {
        return new ProviderException(ProviderError.UNAVAILABLE, "IOError", doing + ": " + e.getMessage(), e);
    }

    /** The kind of an ARM error response with {@code code} (or "HTTP&lt;status&gt;") and {@code status}. */
    static ProviderError kind(String code, int status) {
        if (code.contains("QuotaExceeded")) {
            return ProviderError.QUOTA_EXCEEDED;
        }
        if (code.contains("AlreadyExists")) {
            return ProviderError.ALREADY_EXISTS;
        }
        return switch (status) {
            case 429 -> ProviderError.THROTTLED;
            case 409 -> ProviderError.BUSY;
            case 404 -> ProviderError.NOT_FOUND;
            case 401, 403 -> ProviderError.ACCESS_DENIED;
            case 400 -> ProviderError.INVALID_REQUEST;
            default -> status >= 500 ? ProviderError.UNAVAILABLE : ProviderError.OTHER;
        };
    }
}
