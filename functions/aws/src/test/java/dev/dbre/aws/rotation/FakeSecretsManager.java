package dev.dbre.aws.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A stateful Secrets Manager on 127.0.0.1 speaking the service's wire protocol (AWS JSON 1.1: a
 * POST to {@code /} with {@code X-Amz-Target: secretsmanager.<Operation>}), written from the API
 * reference: DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage,
 * GetRandomPassword, with the documented label rules (a label lives on one version; moving
 * AWSCURRENT labels the old version AWSPREVIOUS; a repeated PutSecretValue with the same token and
 * value is a no-op, with another value a ResourceExistsException) and errors as {@code
 * {"__type": ..., "Message": ...}} with HTTP 400.
 */
public final class FakeSecretsManager implements AutoCloseable {
    static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final Deque<String> injectedErrors = new ConcurrentLinkedDeque<>();
    final List<String> calls = new ArrayList<>();

    public static final class Secret {
        final String name;
        final String arn;
        boolean rotationEnabled;
        public final Map<String, String> values = new LinkedHashMap<>();
        public final Map<String, Set<String>> stages = new LinkedHashMap<>();
        /** Returned by DescribeSecret as {@code Tags}. */
        public final Map<String, String> tags = new LinkedHashMap<>();

        Secret(String name, boolean rotationEnabled) {
            this.name = name;
            this.arn = "arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:" + name + "-AbCdEf";
            this.rotationEnabled = rotationEnabled;
        }
    }

    public FakeSecretsManager() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A client of this fake through the real SDK (no retries, so injected errors surface). */
    SecretsManagerClient client() {
        return SecretsManagerClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Creates a secret with a first version staged AWSCURRENT; returns the version id. */
    public synchronized String create(String name, String value, boolean rotationEnabled) {
        Secret s = new Secret(name, rotationEnabled);
        String version = UUID.randomUUID().toString();
        s.values.put(version, value);
        s.stages.put(version, new LinkedHashSet<>(Set.of("AWSCURRENT")));
        secrets.put(name, s);
        return version;
    }

    /**
     * What RotateSecret does before it invokes the function: a new version {@code token} staged
     * AWSPENDING, with no value yet.
     */
    public synchronized void beginRotation(String name, String token) {
        Secret s = secrets.get(name);
        s.stages.values().forEach(l -> l.remove("AWSPENDING"));
        s.values.put(token, null);
        s.stages.put(token, new LinkedHashSet<>(Set.of("AWSPENDING")));
    }

    public synchronized Secret secret(String name) {
        return secrets.get(name);
    }

    /** The next call answers with this error code ({@code ThrottlingException}, {@code InternalServiceError}). */
    void failNext(String errorType) {
        injectedErrors.add(errorType);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            if (target == null || !target.startsWith("secretsmanager.")) {
                send(ex, 400, error("UnknownOperationException", "missing X-Amz-Target"));
                return;
            }
            if (!ex.getRequestHeaders().getFirst("Authorization").startsWith("AWS4-HMAC-SHA256")) {
                send(ex, 400, error("MissingAuthenticationTokenException", "request not signed"));
                return;
            }
            String op = target.substring("secretsmanager.".length());
            synchronized (this) {
                calls.add(op);
            }
            String injected = injectedErrors.poll();
            if (injected != null) {
                send(ex, injected.startsWith("Internal") ? 500 : 400, error(injected, "injected"));
                return;
            }
            try {
                send(ex, 200, dispatch(op, req));
            } catch (ApiError e) {
                send(ex, 400, error(e.type, e.getMessage()));
            }
        }
    }

    private synchronized ObjectNode dispatch(String op, JsonNode req) {
        return switch (op) {
            case "DescribeSecret" -> describe(find(req));
            case "GetSecretValue" -> getValue(find(req), req);
            case "PutSecretValue" -> putValue(find(req), req);
            case "UpdateSecretVersionStage" -> updateStage(find(req), req);
            case "GetRandomPassword" -> randomPassword(req);
            default -> throw new ApiError("UnknownOperationException", op);
        };
    }

    private Secret find(JsonNode req) {
        String id = req.path("SecretId").asText();
        for (Secret s : secrets.values()) {
            if (s.name.equals(id) || s.arn.equals(id)) {
                return s;
            }
        }
        throw new ApiError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private static ObjectNode describe(Secret s) {
        ObjectNode r = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name);
        r.put("RotationEnabled", s.rotationEnabled);
        ObjectNode v2s = r.putObject("VersionIdsToStages");
        s.stages.forEach((v, labels) -> {
            if (!labels.isEmpty()) {
                ArrayNode a = v2s.putArray(v);
                labels.forEach(a::add);
            }
        });
        if (!s.tags.isEmpty()) {
            ArrayNode tags = r.putArray("Tags");
            s.tags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        }
        return r;
    }

    private static ObjectNode getValue(Secret s, JsonNode req) {
        String version = req.hasNonNull("VersionId") ? req.get("VersionId").asText() : null;
        String stage = req.hasNonNull("VersionStage") ? req.get("VersionStage").asText() : null;
        if (version == null) {
            String wanted = stage == null ? "AWSCURRENT" : stage;
            version = s.stages.entrySet().stream()
                    .filter(e -> e.getValue().contains(wanted))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
        }
        if (version == null
                || s.values.get(version) == null
                || (stage != null && !s.stages.get(version).contains(stage))) {
            throw new ApiError(
                    "ResourceNotFoundException",
                    "Secrets Manager can't find the specified secret value for staging label: " + stage);
        }
        ObjectNode r =
                JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", version);
        r.put("SecretString", s.values.get(version));
        ArrayNode labels = r.putArray("VersionStages");
        s.stages.get(version).forEach(labels::add);
        r.put("CreatedDate", 1.523477145713E9);
        return r;
    }

    private static ObjectNode putValue(Secret s, JsonNode req) {
        String token = req.path("ClientRequestToken").asText();
        String value = req.path("SecretString").asText();
        List<String> labels = new ArrayList<>();
        req.path("VersionStages").forEach(n -> labels.add(n.asText()));
        if (labels.isEmpty()) {
            labels.add("AWSCURRENT");
        }
        if (s.values.get(token) != null) {
            if (!s.values.get(token).equals(value)) {
                throw new ApiError(
                        "ResourceExistsException",
                        "You can't modify an existing version, you can only create a new version.");
            }
        } else {
            s.values.put(token, value);
            s.stages.putIfAbsent(token, new LinkedHashSet<>());
            for (String label : labels) {
                s.stages.values().forEach(l -> l.remove(label));
                s.stages.get(token).add(label);
            }
        }
        ObjectNode r =
                JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", token);
        ArrayNode a = r.putArray("VersionStages");
        s.stages.get(token).forEach(a::add);
        return r;
    }

    private static ObjectNode updateStage(Secret s, JsonNode req) {
        String label = req.path("VersionStage").asText();
        String to =
                req.hasNonNull("MoveToVersionId") ? req.get("MoveToVersionId").asText() : null;
        String from = req.hasNonNull("RemoveFromVersionId")
                ? req.get("RemoveFromVersionId").asText()
                : null;
        if (to != null && !s.values.containsKey(to)) {
            throw new ApiError("ResourceNotFoundException", "version " + to + " not found");
        }
        String holder = s.stages.entrySet().stream()
                .filter(e -> e.getValue().contains(label))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        if (holder != null && !holder.equals(to)) {
            if (!holder.equals(from)) {
                throw new ApiError(
                        "InvalidParameterException",
                        "The parameter RemoveFromVersionId doesn't match the version the label is attached to.");
            }
            s.stages.get(holder).remove(label);
            if (label.equals("AWSCURRENT")) {
                s.stages.values().forEach(l -> l.remove("AWSPREVIOUS"));
                s.stages.get(holder).add("AWSPREVIOUS");
            }
        }
        if (to != null) {
            s.stages.get(to).add(label);
        }
        return JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name);
    }

    private static ObjectNode randomPassword(JsonNode req) {
        int length = req.path("PasswordLength").asInt(32);
        String exclude = req.path("ExcludeCharacters").asText("");
        StringBuilder pool = new StringBuilder();
        if (!req.path("ExcludeUppercase").asBoolean()) pool.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        if (!req.path("ExcludeLowercase").asBoolean()) pool.append("abcdefghijklmnopqrstuvwxyz");
        if (!req.path("ExcludeNumbers").asBoolean()) pool.append("0123456789");
        if (!req.path("ExcludePunctuation").asBoolean()) pool.append("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
        StringBuilder allowed = new StringBuilder();
        pool.chars().filter(c -> exclude.indexOf(c) < 0).forEach(c -> allowed.append((char) c));
        SecureRandom random = new SecureRandom();
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < length; i++) {
            p.append(allowed.charAt(random.nextInt(allowed.length())));
        }
        return JSON.createObjectNode().put("RandomPassword", p.toString());
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("Message", message);
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class ApiError extends RuntimeException {
        final String type;

        ApiError(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
