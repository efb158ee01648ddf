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
    void restoredTags_oursWinOverTheUsers() {
        Map<String, String> tags = RestoredTags.of("orders", Map.of("dbre:restored-from", "elsewhere", "team", "x"));

        assertThat(tags).containsEntry("dbre:restored-from", "orders").containsEntry("dbre:managed-by", "dbre");
        assertThat(RestoredTags.restoredFrom(tags, "orders")).isTrue();
        assertThat(RestoredTags.restoredFrom(tags, "billing")).isFalse();
        assertThat(RestoredTags.isRestored(Map.of("team", "x"))).isFalse();
    }
}
