package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.invoker.runner.Invoker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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

    /** An HttpFunction: the file is {@code {method, path, headers, body | bodyBase64}}. */
    static InvokeFunctions.Runner http(String functionClass) {
        return (file, doc, t) -> send(functionClass, "http", request(doc), t);
    }

    /** The request of an HTTP sample ({@code {method, path, headers, body | bodyBase64}}; run-local's driver too). */
    static Request request(JsonNode doc) {
        Map<String, String> headers = new LinkedHashMap<>();
        doc.path("headers")
                .properties()
                .forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        byte[] body = doc.has("bodyBase64")
                ? Base64.getDecoder().decode(doc.get("bodyBase64").asText())
                : doc.path("body").asText("").getBytes(StandardCharsets.UTF_8);
        return new Request(doc.path("method").asText(), doc.path("path").asText("/"), headers, body);
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
