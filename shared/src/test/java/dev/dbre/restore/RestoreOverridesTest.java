package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreOverridesTest {
    @Test
    void readsWhatTheRequestsOverridesMapCarries() {
        RestoreRequest.Overrides o = new RestoreRequest.Overrides(
                "db.t4g.medium", "drills", List.of("sg-1"), "pg16", Map.of("team", "dbre"));

        RestoreOverrides r = RestoreOverrides.of(o.toMap());

        assertThat(r.instanceClass()).isEqualTo("db.t4g.medium");
        assertThat(r.subnetGroup()).isEqualTo("drills");
        assertThat(r.securityGroups()).containsExactly("sg-1");
        assertThat(r.parameterGroup()).isEqualTo("pg16");
        assertThat(r.tags()).containsExactly(Map.entry("team", "dbre"));
    }

    @Test
    void noneOrEmpty_isAllUnset() {
        assertThat(RestoreOverrides.of(null).instanceClass()).isNull();
        assertThat(RestoreOverrides.of(Map.of()).securityGroups()).isEmpty();
    }

    @Test
    void aWrongType_namesTheKey() {
        assertThatThrownBy(() -> RestoreOverrides.of(Map.of("securityGroups", "sg-1")))
                .hasMessageContaining("overrides.securityGroups");
        assertThatThrownBy(() -> RestoreOverrides.of(Map.of("instanceClass", 3)))
                .hasMessageContaining("overrides.instanceClass");
    }

    @Test
    void restoredTags_oursWinOverTheUsers_andOnlyTheRunThatCreatedADatabaseOwnsIt() {
        java.util.UUID run = java.util.UUID.randomUUID();
        java.util.UUID other = java.util.UUID.randomUUID();
        Map<String, String> tags = RestoredTags.of(
                "orders",
                run,
                Map.of("dbre:restored-from", "elsewhere", "dbre:restore-run", other.toString(), "team", "x"));

        assertThat(tags)
                .containsEntry("dbre:restored-from", "orders")
                .containsEntry("dbre:managed-by", "dbre")
                .containsEntry("dbre:restore-run", run.toString())
                .containsEntry("team", "x");
        assertThat(RestoredTags.createdBy(tags, run)).isTrue();
        assertThat(RestoredTags.createdBy(tags, other)).isFalse();
        // Restored by dbre, from the same source, but by another run: not this run's.
        assertThat(RestoredTags.createdBy(RestoredTags.of("orders", other, Map.of()), run))
                .isFalse();
        assertThat(RestoredTags.createdBy(Map.of("dbre:restore-run", run.toString()), run))
                .isFalse();
    }
}
