package dev.dbre.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Every alarm of the stack, all to one SNS topic the user subscribes to, and one dashboard showing
 * them. Alarms on the functions' own metrics (namespace {@code dbre}, Embedded Metric Format) whose
 * dimensions vary at run time (rotation step and error, snapshot policy) use a Metrics Insights
 * query, which sums over every dimension value.
 */
public final class Alarms extends Construct {
    /** The namespace the functions' EMF metrics are in ({@code dev.dbre.obs.MetricNames.NAMESPACE}). */
    public static final String NAMESPACE = "dbre";

    private final ITopic topic;
    private final List<Alarm> alarms = new ArrayList<>();
    private final Dashboard dashboard;

    Alarms(Construct scope, String id, DbreConfig.Alarms config, String stackName) {
        super(scope, id);
        if (config.topicArn().isPresent()) {
            this.topic = Topic.fromTopicArn(this, "Topic", config.topicArn().get());
        } else {
            Topic t = Topic.Builder.create(this, "Topic")
                    .displayName("dbre alarms (" + stackName + ")")
                    .enforceSsl(true)
                    .build();
            t.addSubscription(new EmailSubscription(config.email().orElseThrow()));
            Nag.suppress(
                    t,
                    "Serverless-SNSRedrivePolicy",
                    "The only subscription is an e-mail address, whose deliveries SNS retries itself;"
                            + " every alarm's state stays on the dashboard whether or not a mail arrives.");
            Nag.suppress(
                    t,
                    "AwsSolutions-SNS2",
                    "Alarm notifications carry alarm names and states only, no data; CloudWatch cannot"
                            + " publish to a topic under the AWS-managed SNS key, and a customer key for"
                            + " this would be the stack's only KMS key.");
            this.topic = t;
        }
        this.dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(stackName + "-dbre")
                .build();
    }

    public ITopic topic() {
        return topic;
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    /** An alarm when {@code metric} is above {@code threshold} for one period. */
    Alarm above(String id, String description, IMetric metric, double threshold, TreatMissingData missing) {
        return add(id, description, metric, threshold, ComparisonOperator.GREATER_THAN_THRESHOLD, missing, 1);
    }

    /** An alarm when {@code metric} crosses {@code threshold} in all of {@code periods} periods. */
    Alarm add(
            String id,
            String description,
            IMetric metric,
            double threshold,
            ComparisonOperator op,
            TreatMissingData missing,
            int periods) {
        Alarm a = Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(op)
                .evaluationPeriods(periods)
                .datapointsToAlarm(periods)
                .treatMissingData(missing)
                .build();
        a.addAlarmAction(new SnsAction(topic));
        a.addOkAction(new SnsAction(topic));
        alarms.add(a);
        dashboard.addWidgets(
                AlarmWidget.Builder.create().title(id).alarm(a).width(8).build());
        return a;
    }

    /** Errors and throttles of one function's alias (the version every trigger invokes). */
    void functionHealth(DbreFunction f, String name) {
        MetricOptions sum5m = MetricOptions.builder()
                .statistic("Sum")
                .period(Duration.minutes(5))
                .build();
        above(
                name + "Errors",
                "dbre " + name + ": invocations failed",
                f.alias().metricErrors(sum5m),
                0,
                TreatMissingData.NOT_BREACHING);
        above(
                name + "Throttles",
                "dbre " + name + ": invocations throttled (reserved concurrency reached)",
                f.alias().metricThrottles(sum5m),
                0,
                TreatMissingData.NOT_BREACHING);
    }

    /** Messages waiting in a failure queue: every one is an event that was given up on. */
    void queueDepth(String id, String description, IQueue queue) {
        above(
                id,
                description,
                queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build()),
                0,
                TreatMissingData.NOT_BREACHING);
    }

    /**
     * A Metrics Insights query over the {@value #NAMESPACE} namespace, e.g. {@code SUM(RotationFailures)}
     * for every step and error of {@code function=rotation}. Such a query reads the last 3 hours only,
     * so its period stays short.
     */
    static IMetric insights(String aggregate, String metricName, String function, Duration period) {
        String query = "SELECT " + aggregate + "(" + metricName + ") FROM " + NAMESPACE + " WHERE \"function\" = '"
                + function + "'";
        return MathExpression.Builder.create()
                .expression(query)
                .usingMetrics(Map.of())
                .label(metricName)
                .period(period)
                .build();
    }

    /**
     * A Metrics Insights query over every dimension of {@code metricName} in the {@value #NAMESPACE}
     * namespace, whichever function emits it (e.g. {@code SUM(DrillFailures)} over every database,
     * kind and policy).
     */
    static IMetric insights(String aggregate, String metricName, Duration period) {
        return MathExpression.Builder.create()
                .expression("SELECT " + aggregate + "(" + metricName + ") FROM " + NAMESPACE)
                .usingMetrics(Map.of())
                .label(metricName)
                .period(period)
                .build();
    }

    /** One metric of the functions' own namespace with exact dimensions. */
    static Metric dbreMetric(String name, Map<String, String> dimensions, String statistic, Duration period) {
        return Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(name)
                .dimensionsMap(dimensions)
                .statistic(statistic)
                .period(period)
                .build();
    }
}
