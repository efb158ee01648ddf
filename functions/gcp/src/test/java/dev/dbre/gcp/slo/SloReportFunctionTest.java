package dev.dbre.gcp.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.gcp.testing.GcpEvents;
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

/** The function driven by events/gcp/scheduler-slo-report-pubsub.json, on the embedded PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class SloReportFunctionTest {
    @BeforeAll
    static void tmpdir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void theSchedulerMessage_reportsAtItsPublishTime_andARedeliveryNotifiesNothingNew(TestDatabase db)
            throws Exception {
        Path dir = Files.createTempDirectory("slo-report");
        Path spec = Files.writeString(dir.resolve("api.yaml"), SteadySliData.SPEC);
        List<AlertNotice> notices = new ArrayList<>();
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:01:00Z"), ZoneOffset.UTC);
        SloReportService service = new SloReportService(
                SteadySliData.tenPercentErrors(),
                ReportSettings.DEFAULTS,
                new FolderPublisher(dir.resolve("out")),
                notices::add,
                new AlertStateStore(db.connections()),
                (dims, m) -> {},
                clock);
        SloReportConfig config = new SloReportConfig(
                spec, SloReportConfig.out(dir.resolve("out").toString()), null, EnumSet.of(ReportFormat.HTML));
        SloReportFunction function = new SloReportFunction(new SloComponents(config, service, clock));

        function.accept(GcpEvents.cloudEvent(GcpEvents.json("scheduler-slo-report-pubsub.json")));
        function.accept(GcpEvents.cloudEvent(GcpEvents.json("scheduler-slo-report-pubsub.json")));

        // publishTime 2026-03-01T00:00:00.204Z, not the clock's 00:01
        assertThat(dir.resolve("out/20260301T000000Z/slo-report.html")).exists();
        assertThat(notices).hasSize(1);
    }
}
