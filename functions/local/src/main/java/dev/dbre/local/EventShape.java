package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * The event shapes the functions' triggers deliver, as {@code invoke} recognises them: enough of
 * each platform's document to tell one trigger's event from another's (a Kinesis event given to
 * the HTTP function is refused with the shape that was expected), not a full schema — the handler
 * decodes the rest and says what is wrong inside.
 */
enum EventShape {
    KINESIS(
            "aws",
            "a Kinesis event {\"Records\": [{\"eventSource\": \"aws:kinesis\", \"kinesis\": {\"data\": ...}}]}",
            "kinesis-batch.json",
            d -> "aws:kinesis".equals(d.at("/Records/0/eventSource").asText(null))
                    && d.at("/Records/0/kinesis/data").isTextual()),
    API_GATEWAY_HTTP(
            "aws",
            "an API Gateway HTTP API request, payload format 2.0 {\"version\": \"2.0\", \"requestContext\":"
                    + " {\"http\": {\"method\": ...}}, \"body\": ...}",
            "apigw-http-v2-text.json",
            d -> "2.0".equals(d.path("version").asText(null))
                    && d.at("/requestContext/http/method").isTextual()),
    SECRETS_MANAGER_ROTATION(
            "aws",
            "a Secrets Manager rotation request {\"Step\", \"SecretId\", \"ClientRequestToken\"}",
            "secretsmanager-rotation-createSecret.json",
            d -> d.path("Step").isTextual()
                    && d.path("SecretId").isTextual()
                    && d.path("ClientRequestToken").isTextual()),
    STEP_FUNCTIONS_TASK(
            "aws",
            "a Step Functions task input {\"runId\": ...}",
            "sfn-restore-step.json",
            d -> d.path("runId").isTextual() && d.size() == 1),
    SCHEDULER(
            "aws",
            "an EventBridge Scheduler input {\"scheduleArn\", \"scheduledTime\", ...}",
            "scheduler-maintenance.json",
            d -> d.isObject() && d.has("scheduledTime")),
    ANY_OBJECT(
            "aws",
            "any JSON object (the function ignores its input; the CDK trigger sends {})",
            "trigger-migrate.json",
            JsonNode::isObject),
    EVENT_HUBS(
            "azure",
            "an Event Hubs trigger batch {\"events\": [base64...], \"SystemPropertiesArray\": [...],"
                    + " \"PartitionContext\": {...}}",
            "eventhubs-batch.json",
            d -> d.path("events").isArray() && d.path("SystemPropertiesArray").isArray()),
    AZURE_HTTP(
            "azure",
            "an HTTP trigger request {\"method\", \"url\", \"headers\", \"body\" or \"bodyBase64\"}",
            "http-text.json",
            d -> d.path("method").isTextual() && d.path("url").isTextual()),
    TIMER(
            "azure",
            "a timer trigger's TimerInfo {\"Schedule\", \"ScheduleStatus\", \"IsPastDue\"}",
            "timer-maintenance.json",
            d -> d.has("IsPastDue") && d.has("ScheduleStatus")),
    EVENT_GRID(
            "azure",
            "an Event Grid event {\"eventType\": \"Microsoft.KeyVault.SecretNearExpiry\", \"data\": {...}}",
            "keyvault-secret-near-expiry.json",
            d -> d.path("eventType").isTextual() && d.path("data").isObject()),
    PUBSUB_CLOUDEVENT(
            "gcp",
            "a Pub/Sub CloudEvent {\"specversion\": \"1.0\", \"type\": \"" + InvokeGcp.PUBSUB_TYPE
                    + "\", \"data\": {\"message\": {\"data\": ...}}}",
            "pubsub-cloudevent.json",
            d -> "1.0".equals(d.path("specversion").asText(null))
                    && InvokeGcp.PUBSUB_TYPE.equals(d.path("type").asText(null))
                    && d.at("/data/message").isObject()),
    GCP_HTTP(
            "gcp",
            "an HTTP request {\"method\", \"path\", \"headers\", \"body\" or \"bodyBase64\"}",
            "http-text.json",
            d -> d.path("method").isTextual() && d.path("path").isTextual());

    final String cloud;
    final String description;
    /** A file of {@code events/<cloud>/} in this shape, named in errors. */
    final String sample;

    private final Predicate<JsonNode> test;

    EventShape(String cloud, String description, String sample, Predicate<JsonNode> test) {
        this.cloud = cloud;
        this.description = description;
        this.sample = sample;
        this.test = test;
    }

    boolean matches(JsonNode document) {
        return document != null && document.isObject() && test.test(document);
    }

    /**
     * The specific shape the document has (not {@link #ANY_OBJECT}), one of {@code cloud}'s first,
     * or null.
     */
    static EventShape of(String cloud, JsonNode document) {
        EventShape other = null;
        for (EventShape s : values()) {
            if (s != ANY_OBJECT && s.matches(document)) {
                if (s.cloud.equals(cloud)) {
                    return s;
                }
                other = other == null ? s : other;
            }
        }
        return other;
    }
}
