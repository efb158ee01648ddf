package dev.dbre.gcp.backup;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import dev.dbre.port.ProviderException;
import java.io.IOException;
import java.util.Set;

/**
 * The one table that maps Cloud SQL Admin API errors to {@link ProviderException}s.
 *
 * <p>Retryable: 429 and the 403 rate-limit reasons ({@code rateLimitExceeded}, {@code
 * userRateLimitExceeded}), 409 other than "already exists" (Cloud SQL's "operation in progress":
 * another operation holds the instance), 5xx, and I/O faults without a response. Not retryable: the
 * 403 {@code quotaExceeded} family (a count of things, freed by deleting, not by waiting: see the
 * AWS module's RdsErrors) and every other 4xx.
 */
final class CloudSqlErrors {
    private static final Set<String> RATE = Set.of("rateLimitExceeded", "userRateLimitExceeded");

    private CloudSqlErrors() {}

    /** The HTTP status, or 0 when there was no response. */
    static int status(IOException e) {
        return e instanceof HttpResponseException h ? h.getStatusCode() : 0;
    }

    /** The first error reason of a JSON error response, or "". */
    static String reason(IOException e) {
        if (e instanceof GoogleJsonResponseException g && g.getDetails() != null) {
            GoogleJsonError d = g.getDetails();
            if (d.getErrors() != null
                    && !d.getErrors().isEmpty()
                    && d.getErrors().get(0).getReason() != null) {
                return d.getErrors().get(0).getReason();
            }
        }
        return "";
    }

    static ProviderException map(IOException e, String doing) {
        int status = status(e);
        if (status == 0) {
            return new ProviderException("IOError", doing + ": " + e.getMessage(), true, e);
        }
        String reason = reason(e);
        String message = e instanceof GoogleJsonResponseException g && g.getDetails() != null
                ? g.getDetails().getMessage()
                : e.getMessage();
        String code = reason.isEmpty() ? "HTTP" + status : reason;
        boolean retryable = status == 429
                || status >= 500
                || (status == 403 && RATE.contains(reason))
                || (status == 409 && !reason.contains("AlreadyExists"));
        return new ProviderException(code, doing + ": " + message, retryable, e);
    }
}
