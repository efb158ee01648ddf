package dev.dbre.azure.backup;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.ProviderException;
import java.io.IOException;

/**
 * The one table that maps ARM errors to {@link ProviderException}s. Retryable: 429 (ARM
 * throttling), 5xx, 409 (another operation holds the server) and faults without a response. Not
 * retryable: every other 4xx, including quota errors ({@code QuotaExceeded}: a count, freed by
 * deleting, not by waiting).
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
            return new ProviderException("ClientError", doing + ": " + e.getMessage(), true, e);
        }
        String code = e instanceof ManagementException m
                        && m.getValue() != null
                        && m.getValue().getCode() != null
                ? m.getValue().getCode()
                : "HTTP" + status;
        String message = e instanceof ManagementException m && m.getValue() != null
                ? m.getValue().getMessage()
                : e.getMessage();
        return new ProviderException(code, doing + ": " + message, retryable(status), e);
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
        return new ProviderException(code, doing + ": " + message, retryable(status), null);
    }

    private static boolean retryable(int status) {
        return status == 429 || status == 409 || status >= 500;
    }
}
