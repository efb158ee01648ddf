package dev.dbre.gcp.backup;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import java.io.IOException;
import java.util.Set;

/**
 * The one table that maps Cloud SQL Admin API errors onto {@link ProviderError} kinds; the first
 * error reason (or "HTTP&lt;status&gt;") and the message travel beside the kind for the operator.
 *
 * <ul>
 *   <li>THROTTLED (retried): 429, and the 403 rate-limit reasons ({@code rateLimitExceeded},
 *       {@code userRateLimitExceeded}).
 *   <li>QUOTA_EXCEEDED (not retried): the 403 quota reasons ({@code quotaExceeded}, {@code
 *       dailyLimitExceeded}, {@code limitExceeded}): a count of things, freed by deleting, not by
 *       waiting (see the AWS module's RdsErrors).
 *   <li>ACCESS_DENIED: 401 and every other 403 ({@code notAuthorized}, {@code forbidden}).
 *   <li>ALREADY_EXISTS: 409 with an {@code ...AlreadyExists} reason; BUSY (retried): any other 409,
 *       Cloud SQL's "operation in progress" (another operation holds the instance).
 *   <li>NOT_FOUND: 404; INVALID_REQUEST: 400; INVALID_STATE: 412 (a failed precondition).
 *   <li>UNAVAILABLE (retried): 5xx, and I/O faults without a response.
 *   <li>OTHER: any other 4xx.
 * </ul>
 */
final class CloudSqlErrors {
    private static final Set<String> RATE = Set.of("rateLimitExceeded", "userRateLimitExceeded");
    private static final Set<String> QUOTA = Set.of("quotaExceeded", "dailyLimitExceeded", "limitExceeded");

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
            return new ProviderException(ProviderError.UNAVAILABLE, "IOError", doing + ": " + e.getMessage(), e);
        }
        String reason = reason(e);
        String message = e instanceof GoogleJsonResponseException g && g.getDetails() != null
                ? g.getDetails().getMessage()
                : e.getMessage();
        String code = reason.isEmpty() ? "HTTP" + status : reason;
        return new ProviderException(kind(status, reason), code, doing + ": " + message, e);
    }

    /** The kind of an error response with {@code status} and first {@code reason} ("" when none). */
    static ProviderError kind(int status, String reason) {
        return switch (status) {
            case 429 -> ProviderError.THROTTLED;
            case 403 ->
                RATE.contains(reason)
                        ? ProviderError.THROTTLED
                        : QUOTA.contains(reason) ? ProviderError.QUOTA_EXCEEDED : ProviderError.ACCESS_DENIED;
            case 401 -> ProviderError.ACCESS_DENIED;
            case 409 -> reason.contains("AlreadyExists") ? ProviderError.ALREADY_EXISTS : ProviderError.BUSY;
            case 404 -> ProviderError.NOT_FOUND;
            case 400 -> ProviderError.INVALID_REQUEST;
            case 412 -> ProviderError.INVALID_STATE;
            default -> status >= 500 ? ProviderError.UNAVAILABLE : ProviderError.OTHER;
        };
    }
}
