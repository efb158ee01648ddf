package dev.dbre.azure.backup;

import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.RG_PATH;
import static dev.dbre.azure.backup.FlexibleServerBackupProviderTest.call;
import static dev.dbre.testing.ProviderErrors.assertProviderError;

import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AzureErrors' table, error by error, on both ARM paths: the SDK's (PostgreSqlManager, a
 * ManagementException) and the backups REST calls read by hand; each against an ARM-shaped error
 * response from 127.0.0.1.
 */
class AzureErrorsTest {
    private static final DatabaseRef ORDERS =
            new DatabaseRef("orders", "flexible-server", "westeurope", Map.of(), true);

    private final FakeHttpServer http = FakeHttpServer.start();
    private final FlexibleServerBackupProvider provider = FlexibleServerBackupProviderTest.provider(http, "gold");

    @AfterEach
    void stop() {
        http.close();
    }

    static Reply armError(int status, String code) {
        return Reply.of(
                status,
                "application/json",
                "{\"error\":{\"code\":\"" + code + "\",\"message\":\"said " + code + "\"}}");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "429, TooManyRequests, THROTTLED",
        "409, ServerIsBusy, BUSY",
        "409, ResourceAlreadyExists, ALREADY_EXISTS",
        "400, QuotaExceeded, QUOTA_EXCEEDED",
        "409, SubscriptionQuotaExceeded, QUOTA_EXCEEDED",
        "404, ResourceNotFound, NOT_FOUND",
        "403, AuthorizationFailed, ACCESS_DENIED",
        "401, InvalidAuthenticationToken, ACCESS_DENIED",
        "400, InvalidParameterValue, INVALID_REQUEST",
        "500, InternalServerError, UNAVAILABLE",
        "503, ServiceUnavailable, UNAVAILABLE",
        "412, PreconditionFailed, OTHER"
    })
    void anArmError_throughTheSdk_isThrownAsItsKind_withArmsCode(int status, String code, ProviderError kind) {
        http.always(call("GET", RG_PATH), armError(status, code));

        assertProviderError(() -> provider.listDatabases("westeurope"), kind, code)
                .hasMessageContaining("said " + code);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "429, TooManyRequests, THROTTLED",
        "409, ServerIsBusy, BUSY",
        "400, QuotaExceeded, QUOTA_EXCEEDED",
        "403, AuthorizationFailed, ACCESS_DENIED",
        "400, InvalidParameterValue, INVALID_REQUEST",
        "500, InternalServerError, UNAVAILABLE"
    })
    void anArmError_ofTheBackupsRestCall_isThrownAsItsKind_withArmsCode(int status, String code, ProviderError kind) {
        String backup = RG_PATH + "/orders/backups/dbre-orders-20261123-2300-gold";
        http.always(call("GET", backup), armError(404, "ResourceNotFound"));
        http.always(call("PUT", backup), armError(status, code));

        assertProviderError(() -> provider.createSnapshot(ORDERS, "dbre-orders-20261123-2300", Map.of()), kind, code)
                .hasMessage(code + ": creating backup dbre-orders-20261123-2300-gold: said " + code);
    }

    @Test
    void anErrorThatIsNotJson_keepsTheStatusAsItsCode() {
        http.always(call("GET", RG_PATH + "/orders/backups"), Reply.of(503, "text/plain", "upstream gone"));

        assertProviderError(() -> provider.listSnapshots("orders", "westeurope"), ProviderError.UNAVAILABLE, "HTTP503")
                .hasMessageEndingWith("upstream gone");
    }

    @Test
    void noAnswerFromArm_isUnavailable() {
        http.close();

        assertProviderError(() -> provider.listSnapshots("orders", "westeurope"), ProviderError.UNAVAILABLE, "IOError");
    }
}
