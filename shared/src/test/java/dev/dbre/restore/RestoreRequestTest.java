package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestoreRequestTest {
    static final String FULL = """
            {"requestId": "req-1", "source": "orders-db", "targetTime": "2026-11-23T22:43:01+01:00",
             "newName": "orders-restore-1", "database": "orders",
             "overrides": {"instanceClass": "db.t4g.small", "subnetGroup": "private",
                           "securityGroups": ["sg-1", "sg-2"], "parameterGroup": "pg17", "tags": {"team": "dbre"}},
             "verify": [{"name": "orders", "sql": "select count(*) from orders", "expect": {"atLeast": 1000}},
                        {"name": "flag", "sql": "select 'on'", "expect": {"equals": "on"}}],
             "drill": true, "confirmProduction": "orders-db"}
            """;

    @Test
    void fullRequest_parsesEveryField() {
        RestoreRequest r = RestoreRequest.parse(FULL);

        assertThat(r.source()).isEqualTo("orders-db");
        assertThat(r.targetTime()).isEqualTo(Instant.parse("2026-11-23T21:43:01Z"));
        assertThat(r.latest()).isFalse();
        assertThat(r.database()).isEqualTo("orders");
        assertThat(r.overrides().securityGroups()).containsExactly("sg-1", "sg-2");
        assertThat(r.overrides().toMap())
                .containsKeys("instanceClass", "subnetGroup", "securityGroups", "parameterGroup", "tags");
        assertThat(r.verify()).hasSize(2);
        assertThat(r.verify().get(0).expect().atLeast()).isEqualByComparingTo(new BigDecimal(1000));
        assertThat(r.drill()).isTrue();
        assertThat(r.key()).isEqualTo("req-1");
    }

    @Test
    void storedJson_parsesBackToTheSameRequest() {
        RestoreRequest r = RestoreRequest.parse(FULL);
        assertThat(RestoreRequest.parse(r.toJson())).isEqualTo(r);
    }

    @Test
    void minimalRequest_getsDefaults_andTheNameIsTheKey() {
        RestoreRequest r = RestoreRequest.parse("{\"source\":\"a\",\"latest\":true,\"newName\":\"b\"}");
        assertThat(r.database()).isEqualTo("postgres");
        assertThat(r.overrides().toMap()).isEmpty();
        assertThat(r.verify()).isEmpty();
        assertThat(r.drill()).isFalse();
        assertThat(r.key()).isEqualTo("name:b");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"colour\":1}|colour|unknown field 'colour'",
                "{\"latest\":true,\"newName\":\"b\"}|source|is required",
                "{\"source\":\"a\",\"newName\":\"b\"}|targetTime|give one of targetTime (ISO-8601), latest: true, or snapshot",
                "{\"source\":\"a\",\"latest\":true,\"targetTime\":\"2026-01-01T00:00:00Z\",\"newName\":\"b\"}|targetTime|give only one of",
                "{\"source\":\"a\",\"latest\":true,\"snapshot\":{\"id\":\"s1\"},\"newName\":\"b\"}|snapshot|give only one of targetTime, latest: true and snapshot",
                "{\"source\":\"a\",\"snapshot\":{},\"newName\":\"b\"}|snapshot|exactly one of id, newestOfPolicy, newestCopyInRegion",
                "{\"source\":\"a\",\"snapshot\":{\"id\":\"s1\",\"newestOfPolicy\":\"gold\"},\"newName\":\"b\"}|snapshot|exactly one of id",
                "{\"source\":\"a\",\"snapshot\":{\"newestOfPolicy\":\"gold\",\"policy\":\"gold\"},\"newName\":\"b\"}|snapshot.policy|goes with newestCopyInRegion only",
                "{\"source\":\"a\",\"snapshot\":{\"id\":\"s 1\"},\"newName\":\"b\"}|snapshot.id|visible characters",
                "{\"source\":\"a\",\"snapshot\":{\"newestCopyInRegion\":\"\"},\"newName\":\"b\"}|snapshot.newestCopyInRegion|visible characters",
                "{\"source\":\"a\",\"snapshot\":{\"name\":\"s1\"},\"newName\":\"b\"}|snapshot.name|unknown field 'name'",
                "{\"source\":\"a\",\"snapshot\":\"s1\",\"newName\":\"b\"}|snapshot|wrong type",
                "{\"source\":\"a\",\"targetTime\":\"yesterday\",\"newName\":\"b\"}|targetTime|'yesterday' is not an ISO-8601 time",
                "{\"source\":\"a\",\"targetTime\":\"2026-01-01T00:00:00\",\"newName\":\"b\"}|targetTime|with a zone",
                "{\"source\":\"a\",\"latest\":true}|newName|is required",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"Bad_Name\"}|newName|lowercase letters",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"a\"}|newName|must differ from the source",
                "{\"source\":\"a\",\"latest\":\"yes\",\"newName\":\"b\"}|latest|wrong type",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"overrides\":{\"securityGroups\":\"sg-1\"}}|overrides.securityGroups|wrong type",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"select 1\",\"expect\":{\"atLeast\":\"many\"}}]}|verify[0].expect.atLeast|wrong type",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"select 1\"}]}|verify[0].expect|is required",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"select 1\",\"expect\":{\"atLeast\":1,\"atMost\":2}}]}|verify[0].expect|exactly one",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\" \",\"expect\":{\"atLeast\":1}}]}|verify[0].sql|is required",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"select 1\",\"expect\":{\"checksum\":\"abc\"}}]}|verify[0].expect.checksum|32 lowercase hex",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"select 1; commit; delete from orders\",\"expect\":{\"atLeast\":1}}]}|verify[0].sql|must be one statement, it holds 3",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"select 1; set statement_timeout = 0\",\"expect\":{\"atLeast\":1}}]}|verify[0].sql|must be one statement",
                "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"verify\":[{\"name\":\"n\",\"sql\":\"delete from orders\",\"expect\":{\"atLeast\":1}}]}|verify[0].sql|must be a query",
            })
    void badRequest_isRefused_namingTheField(String json, String field, String message) {
        assertThatThrownBy(() -> RestoreRequest.parse(json))
                .isInstanceOfSatisfying(RestoreRejectedException.class, e -> {
                    assertThat(e.error()).isEqualTo(RestoreError.BAD_REQUEST);
                    assertThat(e.field()).isEqualTo(field);
                })
                .hasMessageContaining(message);
    }

    @Test
    void runStoredBeforeTheDatabaseAndQueryRules_isStillReadable_theVerifierRefusesItsQuery() {
        String stored = "{\"source\":\"a\",\"latest\":true,\"newName\":\"b\",\"database\":\"postgres?sslmode=disable\","
                + "\"verify\":[{\"name\":\"n\",\"sql\":\"select 1; commit; delete from orders\",\"expect\":{\"atLeast\":1}}]}";

        RestoreRequest r = RestoreRequest.parseStored(stored);

        assertThat(r.database()).isEqualTo("postgres?sslmode=disable");
        assertThat(VerifyQuery.refusal(r.verify().get(0).sql(), true)).contains("one statement");
        assertThatThrownBy(() -> RestoreRequest.parse(stored)).isInstanceOf(RestoreRejectedException.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"id\":\"rds:orders-2026-11-20\"}|rds:orders-2026-11-20|||snapshot",
                "{\"newestOfPolicy\":\"gold\"}||gold||snapshot",
                "{\"newestCopyInRegion\":\"eu-central-1\",\"policy\":\"gold\"}|||eu-central-1|copy",
            })
    void snapshotRequest_parsesItsChoice_andItsKind_andIsStoredAsItCame(
            String choice, String id, String policy, String region, String kind) {
        RestoreRequest r = RestoreRequest.parse(
                "{\"source\":\"orders-db\",\"newName\":\"orders-snap\",\"snapshot\":" + choice + "}");

        assertThat(r.snapshot().id()).isEqualTo(id);
        assertThat(r.snapshot().newestOfPolicy()).isEqualTo(policy);
        assertThat(r.snapshot().newestCopyInRegion()).isEqualTo(region);
        assertThat(r.targetTime()).isNull();
        assertThat(r.latest()).isFalse();
        assertThat(r.kind()).isEqualTo(kind);
        assertThat(RestoreRequest.parseStored(r.toJson())).isEqualTo(r);
    }

    @Test
    void pointInTimeRequest_isOfKindPitr_andItsStoredJsonHasNoSnapshot() {
        RestoreRequest r = RestoreRequest.parse(FULL);

        assertThat(r.kind()).isEqualTo(RestoreRequest.KIND_PITR);
        assertThat(r.snapshot()).isNull();
        assertThat(r.toJson()).doesNotContain("snapshot");
    }

    @Test
    void notJson_isABadRequest() {
        assertThatThrownBy(() -> RestoreRequest.parse("{\"source\": "))
                .isInstanceOfSatisfying(
                        RestoreRejectedException.class,
                        e -> assertThat(e.error()).isEqualTo(RestoreError.BAD_REQUEST))
                .hasMessageContaining("not valid JSON");
    }
}
