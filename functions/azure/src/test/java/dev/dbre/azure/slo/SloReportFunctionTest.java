package dev.dbre.azure.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.SimpleExecutionContext;
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

/** The timer function driven by events/azure/timer-slo-report.json, on the embedded PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class SloReportFunctionTest {
    @BeforeAll
    static void tmpdir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void theTimer_reportsAtTheClocksTime_andNotifiesOnlyTheFirstTime(TestDatabase db) throws Exception {
        Path dir = Files.createTempDirectory("slo-report");
        Path spec = Files.writeString(dir.resolve("api.yaml"), SteadySliData.SPEC);
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
        List<AlertNotice> notices = new ArrayList<>();
        SloReportService service = new SloReportService(
                SteadySliData.tenPercentErrors(),
                ReportSettings.DEFAULTS,
                new FolderPublisher(dir.resolve("out")),
                notices::add,
                new AlertStateStore(db.connections()),
                (dims, m) -> {},
                clock);
        SloReportConfig config = new SloReportConfig(
                spec, SloReportConfig.out(dir.resolve("out").toString()), null, EnumSet.of(ReportFormat.MD));
        SloReportFunction function = new SloReportFunction(new AzureSloRuntime(config, service, clock));
        String timer = Files.readString(AzureEvents.eventsDir().resolve("timer-slo-report.json"));

        function.report(timer, new SimpleExecutionContext("s1", "slo-report"));
        function.report(timer, new SimpleExecutionContext("s2", "slo-report"));

        assertThat(dir.resolve("out/20260301T000000Z/slo-report.md")).content().contains("api-availability");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).subject()).startsWith("SLO alerts: 3 started");
    }
}
