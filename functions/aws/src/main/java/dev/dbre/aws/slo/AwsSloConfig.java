package dev.dbre.aws.slo;

import dev.dbre.aws.backup.S3PolicyReader;
import dev.dbre.aws.config.AwsEndpoints;
import dev.dbre.aws.db.AwsDbConfig;
import dev.dbre.config.Env;
import dev.dbre.slo.SloReportConfig;

/**
 * The SLO report function's configuration on AWS, read once at cold start: the shared {@link
 * SloReportConfig} (reports to {@code s3://} or a folder; notices to an SNS topic or a webhook), the
 * database that holds the metric store and the alert state, and the optional S3 endpoint.
 *
 * @param s3Endpoint DBRE_S3_ENDPOINT, or null for the SDK's
 */
public record AwsSloConfig(String region, AwsDbConfig db, SloReportConfig slo, java.net.URI s3Endpoint) {
    /** @throws dev.dbre.config.ConfigException naming the variable that is missing, wrong, or not for AWS */
    public static AwsSloConfig fromEnv(Env env) {
        String region = env.required(AwsDbConfig.AWS_REGION);
        SloReportConfig slo = SloReportConfig.fromEnv(env);
        if (slo.out().kind() != SloReportConfig.OutKind.S3 && slo.out().kind() != SloReportConfig.OutKind.FOLDER) {
            throw SloReportConfig.unsupported(SloReportConfig.OUT, slo.out().kind() + " storage", "s3://bucket/prefix");
        }
        if (slo.notifyTo() != null
                && slo.notifyTo().kind() != SloReportConfig.NotifyKind.SNS
                && slo.notifyTo().kind() != SloReportConfig.NotifyKind.WEBHOOK) {
            throw SloReportConfig.unsupported(
                    SloReportConfig.NOTIFY,
                    slo.notifyTo().kind() + " topics",
                    "an SNS topic ARN or an https:// webhook");
        }
        return new AwsSloConfig(
                region, AwsDbConfig.fromEnv(env), slo, AwsEndpoints.optional(env, S3PolicyReader.ENDPOINT));
    }
}
