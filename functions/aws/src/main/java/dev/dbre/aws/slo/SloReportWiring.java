package dev.dbre.aws.slo;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.AlertNotifier;
import dev.dbre.port.ReportPublisher;
import dev.dbre.slo.AlertStateStore;
import dev.dbre.slo.SloReportConfig;
import dev.dbre.slo.SloReportConfig.Notify;
import dev.dbre.slo.SloReportConfig.Out;
import dev.dbre.slo.SloReportService;
import dev.dbre.slo.data.DatabaseSliData;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.slo.publish.WebhookNotifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The SLO report function's wiring on AWS, built once per execution environment from {@link
 * AwsSloConfig}: the database (metric store, functions' records, alert state), the S3 or folder
 * publisher, the SNS or webhook notifier and the EMF metrics. No client is built and no connection
 * opened until the first run.
 */
public final class SloReportWiring {
    private static final Lazy<SloReportWiring> SYSTEM = Lazy.of(() -> of(
            AwsSloConfig.fromEnv(Env.system()),
            DefaultCredentialsProvider.builder().build(),
            new EmfMetricsPublisher(),
            Clock.systemUTC()));

    private final SloReportConfig config;
    private final SloReportService service;
    private final Clock clock;

    private SloReportWiring(SloReportConfig config, SloReportService service, Clock clock) {
        this.config = config;
        this.service = service;
        this.clock = clock;
    }

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static SloReportWiring system() {
        return SYSTEM.get();
    }

    public static SloReportWiring of(
            AwsSloConfig config, AwsCredentialsProvider credentials, MetricsPublisher metrics, Clock clock) {
        AwsDatabase db = AwsDatabase.open(config.db(), clock, credentials);
        SloReportService service = new SloReportService(
                new DatabaseSliData(new ConnectionFactoryDataSource(db.connections())),
                config.slo().settings(),
                publisher(config, credentials),
                notifier(config.slo().notifyTo(), credentials),
                new AlertStateStore(db.connections()),
                metrics,
                clock);
        return new SloReportWiring(config.slo(), service, clock);
    }

    private static ReportPublisher publisher(AwsSloConfig config, AwsCredentialsProvider credentials) {
        Out out = config.slo().out();
        return out.kind() == SloReportConfig.OutKind.S3
                ? S3ReportPublisher.of(config.region(), config.s3Endpoint(), credentials, out.container(), out.prefix())
                : new FolderPublisher(Path.of(out.prefix()));
    }

    private static AlertNotifier notifier(Notify notify, AwsCredentialsProvider credentials) {
        if (notify == null) {
            return AlertNotifier.NONE;
        }
        return notify.kind() == SloReportConfig.NotifyKind.SNS
                ? SnsNotifier.of(notify.target(), null, credentials)
                : new WebhookNotifier(URI.create(notify.target()), WebhookNotifier.TIMEOUT);
    }

    public SloReportConfig config() {
        return config;
    }

    public SloReportService service() {
        return service;
    }

    public Clock clock() {
        return clock;
    }
}
