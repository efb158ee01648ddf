package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillScheduleTest {
    private static final String DRILL = """
            {"requestId": "drill-orders-{date}", "source": "orders", "latest": true,
             "newName": "orders-drill-{date}", "drill": true, "confirmProduction": "orders"}
            """;

    @Test
    void dateInTheTemplate_isTheUtcDayOfTheTick() {
        DrillSchedule s = new DrillSchedule(DRILL, null, "test");

        RestoreRequest r = s.request(Instant.parse("2026-11-23T23:59:59Z"));

        assertThat(r.newName()).isEqualTo("orders-drill-20261123");
        assertThat(r.key()).isEqualTo("drill-orders-20261123");
        assertThat(s.request(Instant.parse("2026-11-24T00:00:00Z")).newName()).isEqualTo("orders-drill-20261124");
    }

    @Test
    void aTemplateThatIsNotADrill_isRefusedAtStartNamingTheSetting() {
        assertThatThrownBy(() -> new DrillSchedule(DRILL.replace("\"drill\": true", "\"drill\": false"), null, "X"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo("X");
                    assertThat(e.getMessage()).contains("drill");
                });
        assertThatThrownBy(() -> new DrillSchedule("{\"source\": 1}", null, "X"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.getMessage()).contains("not a valid restore request"));
    }

    @Test
    void fromEnv_namesTheVariableWhenTheFileIsMissing() {
        Env env = new Env(
                Map.of(DrillSchedule.FILE, Path.of("no", "such", "drill.json").toString()));

        assertThatThrownBy(() -> DrillSchedule.fromEnv(env, null))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DrillSchedule.FILE));
        assertThatThrownBy(() -> DrillSchedule.fromEnv(new Env(Map.of()), null))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DrillSchedule.FILE));
    }

    @Test
    void theDocumentedExample_isAValidDrill() throws Exception {
        Path example = Path.of("..", "docs", "examples", "restore-drill-orders.json");
        DrillSchedule s = DrillSchedule.fromEnv(new Env(Map.of(DrillSchedule.FILE, example.toString())), null);

        assertThat(s.request(Instant.parse("2026-11-23T10:00:00Z")).drill()).isTrue();
    }
}
