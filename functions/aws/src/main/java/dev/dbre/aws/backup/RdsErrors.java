package dev.dbre.aws.backup;

import dev.dbre.port.ProviderException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one table that maps RDS errors to {@link ProviderException}s, retryable or not.
 *
 * <p>Retryable: throttling ({@code Throttling}, {@code ThrottlingException}, {@code
 * RequestLimitExceeded}), server-side faults (5xx) and client-side I/O faults (no response).
 *
 * <p>Not retryable, on purpose: {@code SnapshotQuotaExceeded} (100 manual snapshots per Region)
 * and the other quota faults. Such a quota is a count of things that exist, not a rate: waiting a
 * few seconds with backoff does not free a slot, only deleting snapshots (retention, in the same
 * or the next run) or raising the quota does. Retrying would only delay the other databases of the
 * run; the failure is reported with its code instead, so the summary and the alarm say "quota".
 */
final class RdsErrors {
    static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded");

    private RdsErrors() {}

    /** The RDS error code of {@code e}, or null when it carries none (client-side fault). */
    static String code(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return null;
    }

    /** True when {@code e} carries one of {@code codes}. */
    static boolean is(SdkException e, String... codes) {
        String code = code(e);
        if (code == null) {
            return false;
        }
        for (String c : codes) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }

    /** {@code e} as a ProviderException, saying what was being done. */
    static ProviderException map(SdkException e, String doing) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            if (code == null) {
                code = "HTTP" + s.statusCode();
            }
            String message = s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                    ? s.awsErrorDetails().errorMessage()
                    : s.getMessage();
            boolean retryable = THROTTLING.contains(code) || s.isThrottlingException() || s.statusCode() >= 500;
            return new ProviderException(code, doing + ": " + message, retryable, e);
        }
        if (e instanceof SdkClientException) {
            // No answer from RDS (connection refused or reset, timeout): worth another try.
            return new ProviderException("ClientError", doing + ": " + e.getMessage(), true, e);
        }
        return new ProviderException("SdkError", doing + ": " + e.getMessage(), false, e);
    }
}
