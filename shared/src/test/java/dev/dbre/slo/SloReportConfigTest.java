package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.slo.SloReportConfig.NotifyKind;
import dev.dbre.slo.SloReportConfig.Out;
import dev.dbre.slo.SloReportConfig.OutKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloReportConfigTest {
    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void tmpdir() throws Exception {
        // surefire points java.io.tmpdir into target/, which a focused run may not have created yet
        java.nio.file.Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Test
    void everyOutLocation_isParsed() {
        assertThat(SloReportConfig.out("s3://reports-bucket/slo/daily"))
                .isEqualTo(new Out(OutKind.S3, "reports-bucket", "slo/daily/", null));
        assertThat(SloReportConfig.out("gs://reports-bucket"))
                .isEqualTo(new Out(OutKind.GCS, "reports-bucket", "", null));
        assertThat(SloReportConfig.out("https://acct.blob.core.windows.net/reports/slo/"))
                .isEqualTo(new Out(OutKind.BLOB, "reports", "slo/", URI.create("https://acct.blob.core.windows.net")));
        assertThat(SloReportConfig.out("/tmp/slo").kind()).isEqualTo(OutKind.FOLDER);
    }

    @Test
    void everyNotifyTarget_isParsed() {
        assertThat(SloReportConfig.notifyTarget("arn:aws:sns:eu-west-1:123456789012:slo-alerts")
                        .kind())
                .isEqualTo(NotifyKind.SNS);
        assertThat(SloReportConfig.notifyTarget("projects/my-project/topics/slo-alerts")
                        .kind())
                .isEqualTo(NotifyKind.PUBSUB);
        assertThat(SloReportConfig.notifyTarget("https://slo.westeurope-1.eventgrid.azure.net/api/events")
                        .kind())
                .isEqualTo(NotifyKind.EVENT_GRID);
        assertThat(SloReportConfig.notifyTarget("https://hooks.example.com/x").kind())
                .isEqualTo(NotifyKind.WEBHOOK);
    }

    @Test
    void badValues_nameTheVariable_andNeverEchoASasToken() {
        assertThatThrownBy(() -> SloReportConfig.out("s3://B"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_SLO_OUT: must name a bucket");
        assertThatThrownBy(() -> SloReportConfig.out("https://acct.blob.core.windows.net/c?sv=1&sig=SECRET"))
                .hasMessageStartingWith("DBRE_SLO_OUT: must be https://<account>.blob.core.windows.net")
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> SloReportConfig.out("ftp://x/y")).hasMessageStartingWith("DBRE_SLO_OUT:");
        assertThatThrownBy(() -> SloReportConfig.notifyTarget("arn:aws:sqs:eu-west-1:123456789012:q"))
                .hasMessageStartingWith("DBRE_SLO_NOTIFY: must be an SNS topic ARN");
        assertThatThrownBy(() -> SloReportConfig.notifyTarget("http://hooks.example.com/x"))
                .hasMessageStartingWith("DBRE_SLO_NOTIFY: must be an SNS topic ARN, a Pub/Sub topic");
    }

    @Test
    void fromEnv_requiresSpecAndOut_andDefaultsFormats() throws Exception {
        Path spec = Files.createDirectories(dir.resolve("slo"));
        SloReportConfig c = SloReportConfig.fromEnv(
                new Env(Map.of("DBRE_SLO_SPEC", spec.toString(), "DBRE_SLO_OUT", "s3://bucket-a/p")));
        assertThat(c.formats()).isEqualTo(EnumSet.allOf(ReportFormat.class));
        assertThat(c.notifyTo()).isNull();

        assertThatThrownBy(() -> SloReportConfig.fromEnv(new Env(Map.of("DBRE_SLO_OUT", "s3://bucket-a/p"))))
                .hasMessage("DBRE_SLO_SPEC: is required but not set");
        assertThatThrownBy(() -> SloReportConfig.fromEnv(new Env(
                        Map.of("DBRE_SLO_SPEC", dir.resolve("none").toString(), "DBRE_SLO_OUT", "s3://bucket-a/p"))))
                .hasMessageStartingWith("DBRE_SLO_SPEC: no such file or folder");
        assertThatThrownBy(() -> SloReportConfig.fromEnv(new Env(Map.of(
                        "DBRE_SLO_SPEC",
                        spec.toString(),
                        "DBRE_SLO_OUT",
                        "s3://bucket-a/p",
                        "DBRE_SLO_FORMATS",
                        "json,pdf"))))
                .hasMessage("DBRE_SLO_FORMATS: must be a comma-separated list of json, md, html; unknown: 'pdf'");
    }

    @Test
    void minEvents_defaultsToDerived_setByDbreSloMinEvents_andRefusedWhenNotAPositiveWholeNumber() throws Exception {
        Path spec = Files.createDirectories(dir.resolve("slo"));
        Map<String, String> base = Map.of("DBRE_SLO_SPEC", spec.toString(), "DBRE_SLO_OUT", "s3://bucket-a/p");
        assertThat(SloReportConfig.fromEnv(new Env(base)).settings()).isEqualTo(ReportSettings.DEFAULTS);

        java.util.HashMap<String, String> set = new java.util.HashMap<>(base);
        set.put("DBRE_SLO_MIN_EVENTS", " 25 ");
        assertThat(SloReportConfig.fromEnv(new Env(set)).settings())
                .isEqualTo(ReportSettings.DEFAULTS.withMinEvents(25L));

        set.put("DBRE_SLO_MIN_EVENTS", "1");
        assertThat(SloReportConfig.fromEnv(new Env(set)).settings().minEvents()).isEqualTo(1L);
        assertThat(ReportSettings.DEFAULTS.withMinEvents(1L).minEvents()).isEqualTo(1L);
        assertThatThrownBy(() -> ReportSettings.DEFAULTS.withMinEvents(0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minEvents >= 1");

        for (String bad : new String[] {"0", "-3", "ten", "2.5"}) {
            set.put("DBRE_SLO_MIN_EVENTS", bad);
            assertThatThrownBy(() -> SloReportConfig.fromEnv(new Env(set)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("DBRE_SLO_MIN_EVENTS: must be a whole number of events >= 1, was '" + bad + "'");
        }
    }

    @Test
    void recordingUnusedDays_defaults35_isReadFromTheEnvironment_andABadValueNamesTheVariable(@TempDir Path dir)
            throws Exception {
        Path spec = Files.createDirectories(dir.resolve("slo"));
        java.util.HashMap<String, String> set =
                new java.util.HashMap<>(Map.of("DBRE_SLO_SPEC", spec.toString(), "DBRE_SLO_OUT", "s3://bucket-a/p"));
        assertThat(SloReportConfig.fromEnv(new Env(set)).settings().recordingUnused())
                .isEqualTo(java.time.Duration.ofDays(35));
        set.put("DBRE_SLO_RECORDING_UNUSED_DAYS", " 90 ");
        assertThat(SloReportConfig.fromEnv(new Env(set)).settings().recordingUnused())
                .isEqualTo(java.time.Duration.ofDays(90));
        for (String bad : new String[] {"0", "-1", "a month", "1.5", "36501"}) {
            set.put("DBRE_SLO_RECORDING_UNUSED_DAYS", bad);
            assertThatThrownBy(() -> SloReportConfig.fromEnv(new Env(set)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("DBRE_SLO_RECORDING_UNUSED_DAYS: must be a whole number of days from 1 to 36500, was '"
                            + bad + "'");
        }
    }
}
