package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.invoker.runner.Invoker;
import dev.dbre.config.Env;
import dev.dbre.gcp.backup.BackupComponents;
import dev.dbre.gcp.backup.SnapshotFunction;
import dev.dbre.gcp.ingest.HttpIngestFunction;
import dev.dbre.gcp.ingest.PubSubIngestFunction;
import dev.dbre.gcp.restore.DrillFunction;
import dev.dbre.gcp.restore.RestoreFunction;
import dev.dbre.gcp.rotation.RotationComponents;
import dev.dbre.gcp.rotation.SecretRotationFunction;
import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.RotationSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code invoke}'s runner for the Google Cloud functions: the real Functions Framework
 * (java-function-invoker) started in this JVM on a free port with the function's class, the event
 * sent to it over HTTP on 127.0.0.1 — a CloudEvent in binary mode as Eventarc delivers a Pub/Sub
 * message (or structured mode), or the HTTP request the file describes — and the status and body
 * it answered; the invoker is stopped after.
 *
 * <p>The invoker listens on every interface (it has no host option); only 127.0.0.1 is ever sent
 * to, and it runs only for the one request. The function reads its settings as on Cloud Run, from
 * the environment, or — for a JVM already started, like this one — from {@code DBRE_*} system
 * properties ({@code GcpEnv}): they are set for the call and restored after.
 */
final class InvokeGcp {
    static final String PUBSUB_TYPE = "google.cloud.pubsub.topic.v1.messagePublished";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Headers the JDK's HTTP client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** The invoker logs where it serves at INFO (JDK logging); held here so the level sticks. */
    private static final java.util.logging.Logger INVOKER_LOG =
            java.util.logging.Logger.getLogger("com.google.cloud.functions.invoker");

    static {
        INVOKER_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** An HTTP request as a sample event file describes it. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {}

    private InvokeGcp() {}

    /** A CloudEventsFunction: the file is a CloudEvent in its JSON (structured) form. */
    static InvokeFunctions.Runner cloudEvent(String functionClass) {
        return (file, doc, t) -> {
            Request request = t.binaryCloudEvents() ? binary(doc) : structured(doc);
            InvokeFunctions.Result r = send(functionClass, "cloudevent", request, t);
            return r;
        };
    }

    /**
     * The Pub/Sub ingest function built with the call's clock ({@code --at}; its no-argument
     * constructor would take the wall clock), served by the invoker like the deployed class.
     */
    static InvokeFunctions.Result ingestPubSub(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        return sendHosted(PubSubIngestFunction.fromEnv(t.env(), t.clock()), "cloudevent", cloudEventRequest(doc, t), t);
    }

    /** The HTTP ingest function built with the call's clock, served by the invoker. */
    static InvokeFunctions.Result ingestHttp(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        return sendHosted(HttpIngestFunction.fromEnv(t.env(), t.clock()), "http", request(doc), t);
    }

    /** The snapshot function over the local stand-in of the policy's Cloud SQL instances. */
    static InvokeFunctions.Result snapshot(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        try (InvokeBackup b = InvokeBackup.withSource(t, "the Cloud SQL instances of the policy", null)) {
            return sendHosted(new SnapshotFunction(components(b)), "cloudevent", cloudEventRequest(doc, t), t);
        }
    }

    /**
     * The restore function: {@code POST /advance} steps the event's run (or the newest one, standing
     * in for a sample's id); any other path submits over the stand-in of the request's source, and a
     * request it accepts is then advanced to its end through {@code POST /advance}, as the Workflows
     * loop would (each step on stderr): the restore really happens.
     */
    static InvokeFunctions.Result restore(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        Request request = request(doc);
        if (request.path().endsWith("/advance")) {
            try (InvokeBackup b = InvokeBackup.restoresOnly(t)) {
                String given = JSON.readTree(request.body()).path("runId").asText(null);
                return sendHosted(new RestoreFunction(components(b)), "http", advance(request, b.runIdFor(given)), t);
            }
        }
        try (InvokeBackup b = InvokeBackup.withSource(
                t, "Cloud SQL instance", InvokeBackup.sourceOf(new String(request.body(), StandardCharsets.UTF_8)))) {
            b.ensureBackup();
            RestoreFunction function = new RestoreFunction(components(b));
            InvokeFunctions.Result r = sendHosted(function, "http", request, t);
            JsonNode answer = JSON.readTree(r.response());
            if (answer.path("status").asInt() == 202) {
                String runId = JSON.readTree(answer.path("body").asText())
                        .path("runId")
                        .asText();
                Request step = advance(request, runId);
                b.follow(
                        "the Workflows loop's POST /advance: run " + runId,
                        () -> JSON.readTree(JSON.readTree(
                                        sendHosted(function, "http", step, t).response())
                                .path("body")
                                .asText()),
                        n -> n.path("done").asBoolean());
            }
            return r;
        }
    }

    private static Request advance(Request like, String runId) throws IOException {
        return new Request(
                "POST", "/advance", like.headers(), JSON.writeValueAsBytes(Map.of("runId", String.valueOf(runId))));
    }

    /**
     * The drill function (the day's drill of {@code DBRE_DRILL_REQUEST_FILE}, default the project's
     * sample request), its message sent until no drill runs, as the schedule would; the last answer.
     */
    static InvokeFunctions.Result drill(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        InvokeTarget withRequest = InvokeBackup.withDrillRequest(t, file);
        try (InvokeBackup b =
                InvokeBackup.withSource(withRequest, "Cloud SQL instance", InvokeBackup.drillSource(withRequest))) {
            b.ensureBackup();
            DrillFunction function = new DrillFunction(components(b));
            Request tick = cloudEventRequest(doc, t);
            InvokeFunctions.Result[] last = new InvokeFunctions.Result[1];
            b.follow(
                    "the drill schedule's messages",
                    () -> {
                        last[0] = sendHosted(function, "cloudevent", tick, t);
                        return last[0].failed() ? JSON.createObjectNode().put("open", 0) : b.openDrills();
                    },
                    open -> open.path("open").asInt() == 0);
            return last[0];
        }
    }

    /**
     * The Secret Manager rotation over the local stand-in of the message's secret: all four steps in
     * one invocation, as on Google Cloud.
     */
    static InvokeFunctions.Result rotation(Path file, JsonNode doc, InvokeTarget t) throws Exception {
        String secret = doc.path("data")
                .path("message")
                .path("attributes")
                .path("secretId")
                .asText();
        LocalSecretStore store = InvokeSecrets.store(t);
        if (!secret.isBlank()) {
            InvokeSecrets.seed(t, store, secret, "Secret Manager secret");
        }
        RotationComponents components = new RotationComponents(
                InvokeSecrets.rotation(t, store, "gcp", "rotate-secret-manager"),
                RotationSettings.fromEnv(new Env(t.env())).strategy());
        return sendHosted(new SecretRotationFunction(components), "cloudevent", cloudEventRequest(doc, t), t);
    }

    /**
     * The backup components as the functions' own build them, over the local provider: the settings
     * of the function's environment, no login setting for restored instances (the local provider's
     * own), and the stand-in policy unless one is given.
     */
    private static BackupComponents components(InvokeBackup b) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(b.envWithPolicy());
        env.putIfAbsent(RestoredDbLogin.AUTH, "none");
        return BackupComponents.overProvider(
                new Env(env), b.target.clock(), b.target.metrics(), b.runs, b.provider, b::sourceLogin);
    }

    private static Request cloudEventRequest(JsonNode doc, InvokeTarget t) throws IOException {
        return t.binaryCloudEvents() ? binary(doc) : structured(doc);
    }

    /** Serves {@code function} (built here, not by its no-argument constructor) through the invoker. */
    private static InvokeFunctions.Result sendHosted(Object function, String signature, Request request, InvokeTarget t)
            throws Exception {
        GcpHosted.current = function;
        try {
            String hosted = (signature.equals("http") ? GcpHosted.Http.class : GcpHosted.CloudEvents.class).getName();
            return send(hosted, signature, request, t);
        } finally {
            GcpHosted.current = null;
        }
    }

    /** The request of an HTTP sample ({@code {method, path, headers, body | bodyBase64}}; run-local's driver too). */
    static Request request(JsonNode doc) {
        return new Request(
                doc.path("method").asText(),
                doc.path("path").asText("/"),
                HttpSample.headers(doc),
                HttpSample.body(doc));
    }

    /** Binary mode: the context attributes as {@code ce-} headers, the data as the body. */
    private static Request binary(JsonNode ce) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        ce.properties().forEach(a -> {
            String name = a.getKey();
            if (!name.equals("data") && !name.equals("datacontenttype") && !name.startsWith("_")) {
                headers.put("ce-" + name, a.getValue().asText());
            }
        });
        headers.put("Content-Type", ce.path("datacontenttype").asText("application/json"));
        return new Request("POST", "/", headers, JSON.writeValueAsBytes(ce.get("data")));
    }

    /** Structured mode: the whole event as JSON (without the file's {@code _comment}). */
    private static Request structured(JsonNode ce) throws IOException {
        ObjectNode event = ((ObjectNode) ce).deepCopy();
        event.properties().removeIf(a -> a.getKey().startsWith("_"));
        return new Request(
                "POST", "/", Map.of("Content-Type", "application/cloudevents+json"), JSON.writeValueAsBytes(event));
    }

    private static InvokeFunctions.Result send(String functionClass, String signature, Request request, InvokeTarget t)
            throws Exception {
        Map<String, String> previous = setProperties(t.env());
        int port = freePort();
        Invoker invoker = new Invoker(port, functionClass, signature, InvokeGcp.class.getClassLoader());
        try {
            invoker.startTestServer();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.path()))
                    .timeout(TIMEOUT)
                    .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach((k, v) -> {
                if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                    b.header(k, v);
                }
            });
            HttpResponse<String> response;
            try (HttpClient client =
                    HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
                response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("status", response.statusCode());
            response.headers().firstValue("Content-Type").ifPresent(v -> out.put("contentType", v));
            out.put("body", response.body());
            // A CloudEvent not answered 2xx is redelivered by Pub/Sub: the function failed.
            boolean failed =
                    signature.equals("cloudevent") ? response.statusCode() >= 300 : response.statusCode() >= 500;
            return new InvokeFunctions.Result(out.toString(), failed);
        } finally {
            try {
                invoker.stopServer();
            } finally {
                restoreProperties(previous);
            }
        }
    }

    /** Sets each {@code DBRE_*} setting as a system property; returns what was there before (null: none). */
    private static Map<String, String> setProperties(Map<String, String> env) {
        Map<String, String> previous = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("DBRE_")) {
                previous.put(k, System.getProperty(k));
                System.setProperty(k, v);
            }
        });
        return previous;
    }

    private static void restoreProperties(Map<String, String> previous) {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
