package dev.dbre.gcp.backup;

import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.BASE;
import static dev.dbre.gcp.backup.CloudSqlBackupProviderTest.call;
import static dev.dbre.testing.ProviderErrors.assertProviderError;

import dev.dbre.port.ProviderError;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CloudSqlErrors' table, error by error: the real Cloud SQL Admin client reads each Google-shaped
 * JSON error from 127.0.0.1, and the provider throws the kind the core decides on, with the
 * error's first reason as its code.
 */
class CloudSqlErrorsTest {
    private final FakeHttpServer http = FakeHttpServer.start();
    private final CloudSqlBackupProvider provider = CloudSqlBackupProviderTest.provider(http);

    @AfterEach
    void stop() {
        http.close();
    }

    static Reply googleError(int status, String reason) {
        return Reply.of(
                status,
                "application/json",
                "{\"error\":{\"code\":" + status + ",\"message\":\"said " + reason + "\",\"errors\":[{\"message\":"
                        + "\"said " + reason + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "429, rateLimitExceeded, THROTTLED",
        "403, rateLimitExceeded, THROTTLED",
        "403, userRateLimitExceeded, THROTTLED",
        "403, quotaExceeded, QUOTA_EXCEEDED",
        "403, limitExceeded, QUOTA_EXCEEDED",
        "403, notAuthorized, ACCESS_DENIED",
        "401, required, ACCESS_DENIED",
        "409, instanceAlreadyExists, ALREADY_EXISTS",
        "409, operationInProgress, BUSY",
        "404, instanceDoesNotExist, NOT_FOUND",
        "400, invalid, INVALID_REQUEST",
        "412, conditionNotMet, INVALID_STATE",
        "500, backendError, UNAVAILABLE",
        "503, backendError, UNAVAILABLE",
        "410, deleted, OTHER"
    })
    void aCloudSqlError_isThrownAsItsKind_withItsReasonAsTheCode(int status, String reason, ProviderError kind) {
        http.always(call("GET", BASE), googleError(status, reason));

        assertProviderError(() -> provider.listDatabases("europe-west1"), kind, reason)
                .hasMessage(reason + ": listing instances of dbre-prod: said " + reason);
    }

    @Test
    void anErrorWithoutAReason_keepsTheStatusAsItsCode() {
        http.always(call("GET", BASE), Reply.of(502, "text/html", "<html>bad gateway</html>"));

        assertProviderError(() -> provider.listDatabases("europe-west1"), ProviderError.UNAVAILABLE, "HTTP502");
    }

    @Test
    void noAnswerFromCloudSql_isUnavailable() {
        http.close();

        assertProviderError(() -> provider.listDatabases("europe-west1"), ProviderError.UNAVAILABLE, "IOError");
    }
}
