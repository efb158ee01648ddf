package dev.dbre.aws.backup;

import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one table that maps RDS errors onto {@link ProviderError} kinds; the RDS code and message
 * travel beside the kind for the operator.
 *
 * <ul>
 *   <li>THROTTLED (retried): {@code Throttling}, {@code ThrottlingException}, {@code
 *       RequestLimitExceeded}, and whatever the SDK itself calls throttling (429).
 *   <li>QUOTA_EXCEEDED (not retried, on purpose): {@code SnapshotQuotaExceeded} (100 manual
 *       snapshots per Region) and every other {@code *QuotaExceeded[Fault]}. Such a quota is a count
 *       of things that exist, not a rate: waiting a few seconds with backoff does not free a slot,
 *       only deleting snapshots (retention, in the same or the next run) or raising the quota does.
 *       Retrying would only delay the other databases of the run; the failure is reported with its
 *       code instead, so the summary and the alarm say "quota".
 *   <li>NOT_FOUND: {@code *NotFound[Fault]}; ALREADY_EXISTS: {@code *AlreadyExists[Fault]}.
 *   <li>INVALID_STATE: {@code Invalid*State[Fault]} (a stopped instance, a snapshot not yet
 *       available). The provider itself marks the one case that passes by itself as BUSY (deleting a
 *       restored cluster whose writer is not yet deleting).
 *   <li>ACCESS_DENIED: the IAM and signature refusals below, and HTTP 401/403.
 *   <li>INVALID_REQUEST: parameter validation ({@code InvalidParameterValue}, ...).
 *   <li>UNAVAILABLE (retried): server-side faults (5xx) and client-side I/O faults (no response).
 *   <li>OTHER: any other refusal, with RDS's code.
 * </ul>
 */
final class RdsErrors {
    static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded");
    static final Set<String> ACCESS = Set.of(
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "IncompleteSignature",
            "ExpiredToken",
            "ExpiredTokenException",
            "MissingAuthenticationToken",
            "KMSKeyNotAccessibleFault");
    static final Set<String> INVALID = Set.of(
            "InvalidParameterValue",
            "InvalidParameterCombination",
            "MissingParameter",
            "MalformedQueryString",
            "ValidationError",
            "InvalidAction");

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

    /** {@code e} as a ProviderException of its kind, saying what was being done. */
    static ProviderException map(SdkException e, String doing) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            if (code == null) {
                code = "HTTP" + s.statusCode();
            }
            String message = s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                    ? s.awsErrorDetails().errorMessage()
                    : s.getMessage();
            return new ProviderException(
                    kind(code, s.statusCode(), s.isThrottlingException()), code, doing + ": " + message, e);
        }
        if (e instanceof SdkClientException) {
            // No answer from RDS (connection refused or reset, timeout): worth another try.
            return new ProviderException(ProviderError.UNAVAILABLE, "ClientError", doing + ": " + e.getMessage(), e);
        }
        return new ProviderException(ProviderError.OTHER, "SdkError", doing + ": " + e.getMessage(), e);
    }

    /** The kind of an RDS error response: by its code first, then by its HTTP status. */
    static ProviderError kind(String code, int status, boolean sdkSaysThrottling) {
        if (THROTTLING.contains(code) || sdkSaysThrottling || status == 429) {
            return ProviderError.THROTTLED;
        }
        if (code.endsWith("QuotaExceeded") || code.endsWith("QuotaExceededFault")) {
            return ProviderError.QUOTA_EXCEEDED;
        }
        if (code.endsWith("NotFound") || code.endsWith("NotFoundFault")) {
            return ProviderError.NOT_FOUND;
        }
        if (code.endsWith("AlreadyExists") || code.endsWith("AlreadyExistsFault")) {
            return ProviderError.ALREADY_EXISTS;
        }
        if (code.startsWith("Invalid") && (code.endsWith("State") || code.endsWith("StateFault"))) {
            return ProviderError.INVALID_STATE;
        }
        if (ACCESS.contains(code) || status == 401 || status == 403) {
            return ProviderError.ACCESS_DENIED;
        }
        if (INVALID.contains(code)) {
            return ProviderError.INVALID_REQUEST;
        }
        if (status >= 500) {
            return ProviderError.UNAVAILABLE;
        }
        return ProviderError.OTHER;
    }
}
