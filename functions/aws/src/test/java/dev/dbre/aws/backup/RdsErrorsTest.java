package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.testing.ProviderErrors.assertProviderError;

import dev.dbre.port.ProviderError;
import dev.dbre.testing.FakeHttpServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RdsErrors' table, error by error: the real SDK v2 client reads each RDS-shaped error response
 * from 127.0.0.1, and the provider throws the kind the core decides on, with RDS's own code.
 */
class RdsErrorsTest {
    private final FakeRds rds = new FakeRds();
    private final RdsBackupProvider provider = rds.provider();

    @AfterEach
    void stop() {
        rds.close();
    }

    static Reply rdsError(int status, String code) {
        return Reply.of(
                status,
                "text/xml",
                "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type>"
                        + "<Code>" + code + "</Code><Message>said " + code + "</Message></Error>"
                        + "<RequestId>7a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d</RequestId></ErrorResponse>");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "400, Throttling, THROTTLED",
        "400, ThrottlingException, THROTTLED",
        "400, RequestLimitExceeded, THROTTLED",
        "400, SnapshotQuotaExceeded, QUOTA_EXCEEDED",
        "400, InstanceQuotaExceeded, QUOTA_EXCEEDED",
        "400, DBClusterQuotaExceededFault, QUOTA_EXCEEDED",
        "404, DBInstanceNotFound, NOT_FOUND",
        "404, DBClusterSnapshotNotFoundFault, NOT_FOUND",
        "400, DBSnapshotAlreadyExists, ALREADY_EXISTS",
        "400, DBClusterAlreadyExistsFault, ALREADY_EXISTS",
        "400, InvalidDBInstanceState, INVALID_STATE",
        "400, InvalidDBClusterStateFault, INVALID_STATE",
        "403, AccessDenied, ACCESS_DENIED",
        "403, InvalidClientTokenId, ACCESS_DENIED",
        "400, KMSKeyNotAccessibleFault, ACCESS_DENIED",
        "400, InvalidParameterValue, INVALID_REQUEST",
        "400, InvalidParameterCombination, INVALID_REQUEST",
        "500, InternalFailure, UNAVAILABLE",
        "503, ServiceUnavailable, UNAVAILABLE",
        "400, StorageTypeNotSupported, OTHER"
    })
    void anRdsError_isThrownAsItsKind_withRdsCodeAndMessage(int status, String code, ProviderError kind) {
        rds.http.always(action("DescribeDBInstances"), rdsError(status, code));

        assertProviderError(() -> provider.listDatabases("us-east-1"), kind, code)
                .hasMessage(code + ": listing databases in us-east-1: said " + code);
    }

    @Test
    void noAnswerFromRds_isUnavailable() {
        rds.http.close();

        assertProviderError(() -> provider.listDatabases("us-east-1"), ProviderError.UNAVAILABLE, "ClientError");
    }
}
