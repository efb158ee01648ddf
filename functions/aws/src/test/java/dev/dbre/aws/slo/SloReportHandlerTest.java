package dev.dbre.aws.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.slo.AlertStateStore;
import dev.dbre.slo.ReportFormat;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SloReportConfig;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.SteadySliData;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The handler driven by events/aws/scheduler-slo-report.json, on the embedded PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class SloReportHandlerTest {
    static final Path EVENT = Path.of("../../events/aws/scheduler-slo-report.json");

    @BeforeAll
    static void tmpdir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void theScheduleEvent_reportsAtItsTime_notifiesOnce_andEmitsSloAlertsFiring(TestDatabase db) throws Exception {
        Path dir = Files.createTempDirectory("slo-report");
        Path spec = Files.writeString(dir.resolve("api.yaml"), SteadySliData.SPEC);
        List<AlertNotice> notices = new ArrayList<>();
        List<Metric> metrics = new ArrayList<>();
        SloReportService service = new SloReportService(
                SteadySliData.tenPercentErrors(),
                ReportSettings.DEFAULTS,
                new FolderPublisher(dir.resolve("out")),
                notices::add,
                new AlertStateStore(db.connections()),
                (dims, m) -> metrics.addAll(m),
                Clock.fixed(Instant.parse("2026-03-01T00:00:30Z"), ZoneOffset.UTC));
        SloReportConfig config = new SloReportConfig(
                spec, SloReportConfig.out(dir.resolve("out").toString()), null, EnumSet.of(ReportFormat.JSON));
        SloReportHandler handler = new SloReportHandler(service, config, Clock.systemUTC());

        JsonNode first = invoke(handler);
        JsonNode second = invoke(handler);

        assertThat(first.get("at").asText()).isEqualTo("2026-03-01T00:00:00Z");
        assertThat(first.get("alertsFiring").asInt()).isEqualTo(3);
        assertThat(first.get("changes")).hasSize(3);
        assertThat(first.get("reports").get("json").asText())
                .isEqualTo(dir.resolve("out/20260301T000000Z/slo-report.json").toString());
        assertThat(second.get("changes")).isEmpty();
        assertThat(notices).hasSize(1);
        assertThat(metrics)
                .filteredOn(m -> m.name().equals(MetricNames.SLO_ALERTS_FIRING))
                .extracting(Metric::value)
                .containsExactly(1.0, 2.0, 1.0, 2.0); // page: page-slow; ticket: both; twice
    }

    @Test
    void storageOrTopicsOfAnotherCloud_areRefusedAtColdStart_namingTheVariable() throws Exception {
        Path spec = Files.createTempDirectory("slo-spec");
        java.util.Map<String, String> env = java.util.Map.of(
                "AWS_REGION", "eu-west-1", "DBRE_SLO_SPEC", spec.toString(), "DBRE_SLO_OUT", "gs://reports-bucket/slo");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AwsSloConfig.fromEnv(new dev.dbre.config.Env(env)))
                .hasMessage("DBRE_SLO_OUT: GCS storage is not supported on this cloud; use s3://bucket/prefix");
        java.util.Map<String, String> pubsub = new java.util.HashMap<>(env);
        pubsub.put("DBRE_SLO_OUT", "s3://reports-bucket/slo");
        pubsub.put("DBRE_SLO_NOTIFY", "projects/dbre-prod/topics/slo-alerts");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AwsSloConfig.fromEnv(new dev.dbre.config.Env(pubsub)))
                .hasMessage("DBRE_SLO_NOTIFY: PUBSUB topics is not supported on this cloud; use an SNS topic ARN or"
                        + " an https:// webhook");
    }

    private static JsonNode invoke(SloReportHandler handler) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(EVENT)), out, null);
        return new ObjectMapper().readTree(out.toByteArray());
    }
}
