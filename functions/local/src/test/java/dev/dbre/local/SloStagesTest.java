package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.slo.SloRunSummary;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecSet;
import dev.dbre.slo.spec.SloSpecs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloStagesTest {
    @Test
    void runLocalSpecs_holdTheSameSlosAsTheProductsExampleSet() throws Exception {
        SloSpecSet runLocal = SloSpecs.parse(SloStages.specTexts());
        SloSpecSet examples = SloSpecs.load(Path.of("../../docs/examples/slo"));

        assertThat(runLocal.slos().stream().map(Slo::name))
                .containsExactlyInAnyOrderElementsOf(
                        examples.slos().stream().map(Slo::name).toList());
    }

    @Test
    void backupSlo_readsThePolicyRunLocalSnapshotsBy() throws Exception {
        String policyName;
        try (InputStream in = SloStagesTest.class.getResourceAsStream(RecoveryStages.POLICY_RESOURCE)) {
            policyName = BackupPolicyLoader.parse(
                            RecoveryStages.POLICY_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .name();
        }

        assertThat(SloStages.specTexts().get(SloStages.SPEC_DIR + "backup.yaml"))
                .contains("{source: backup, policy: " + policyName + ", count: within_rpo,")
                .contains("{source: backup, policy: " + policyName + ", count: databases}");
    }

    @Test
    void reportTime_isTheEndOfTheCurrentMinute_soTheRunsLastSecondsCount() {
        assertThat(SloStages.reportTime(Instant.parse("2026-12-05T04:40:59.900Z")))
                .isEqualTo(Instant.parse("2026-12-05T04:41:00Z"));
        assertThat(SloStages.reportTime(Instant.parse("2026-12-05T04:41:00Z")))
                .isEqualTo(Instant.parse("2026-12-05T04:42:00Z"));
    }

    @Test
    void checkFiles_refusesAReportThatBreaksTheSchema_namingTheFileAndField(@TempDir Path dir) throws Exception {
        SloSpecSet specs = SloSpecs.parse(SloStages.specTexts());
        Path json = Files.writeString(
                dir.resolve("slo-report.json"),
                "{\"schemaVersion\": 0, \"generatedAt\": \"2026-12-05T04:41:00Z\", \"at\": \"2026-12-05T04:41:00Z\","
                        + " \"slos\": []}",
                StandardCharsets.UTF_8);
        Path md = Files.writeString(dir.resolve("slo-report.md"), "# SLO report\n", StandardCharsets.UTF_8);
        Path html = Files.writeString(
                dir.resolve("slo-report.html"), "<!DOCTYPE html><html></html>\n", StandardCharsets.UTF_8);
        SloRunSummary summary = new SloRunSummary(
                Instant.parse("2026-12-05T04:41:00Z"),
                Map.of("json", json.toString(), "md", md.toString(), "html", html.toString()),
                List.of(),
                List.of());

        assertThatThrownBy(() -> SloStages.checkFiles(summary, specs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(json + " does not match docs/slo-report.schema.json")
                .hasMessageContaining("/schemaVersion");
    }

    @Test
    void checkFiles_refusesAMissingFile(@TempDir Path dir) throws Exception {
        SloSpecSet specs = SloSpecs.parse(SloStages.specTexts());
        SloRunSummary summary = new SloRunSummary(
                Instant.parse("2026-12-05T04:41:00Z"),
                Map.of(
                        "json",
                        dir.resolve("slo-report.json").toString(),
                        "md",
                        dir.resolve("slo-report.md").toString()),
                List.of(),
                List.of());

        assertThatThrownBy(() -> SloStages.checkFiles(summary, specs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the SLO report's json file is missing: " + dir.resolve("slo-report.json"));
    }
}
