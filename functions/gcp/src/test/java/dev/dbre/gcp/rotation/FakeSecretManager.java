package dev.dbre.gcp.rotation;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.ListSecretVersionsResponse;
import com.google.cloud.secretmanager.v1.Rotation;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stateful Secret Manager (v1 REST) on http://127.0.0.1, with the paths and verbs of the REST
 * reference: {@code GET /v1/{secret}}, {@code PATCH /v1/{secret}?updateMask=...} (checks the etag),
 * {@code GET /v1/{secret}/versions}, {@code POST /v1/{secret}:addVersion}, {@code GET
 * /v1/{version}:access} (FAILED_PRECONDITION for a disabled version), {@code POST
 * /v1/{version}:disable}; errors as {@code {"error":{"code","message","status"}}}. Bodies use the
 * protobuf JSON mapping (as the REST API does), written and read with protobuf's JsonFormat. A
 * PATCH with a stale etag fails FAILED_PRECONDITION, HTTP 400 (Secret Manager's etag documentation);
 * adding a version does not change the secret's etag.
 *
 * <p>Requests are served concurrently, as the service serves them (each is applied atomically);
 * {@link #holdAddVersions} makes a test's concurrent writes interleave.
 */
public final class FakeSecretManager implements AutoCloseable {
    public static final String PROJECT = "projects/dbre-test";

    private final HttpServer server;
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Map<String, List<Stored>> versions = new LinkedHashMap<>();
    private final Deque<Integer> injected = new ConcurrentLinkedDeque<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private long etag;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile CountDownLatch heldWrites;
    private volatile String touchOnAddVersion;

    /** A version as the fake keeps it. */
    public static final class Stored {
        public final long number;
        public final String value;
        public Instant created;
        public SecretVersion.State state = SecretVersion.State.ENABLED;

        Stored(long number, String value, Instant created) {
            this.number = number;
            this.value = value;
            this.created = created;
        }
    }

    public FakeSecretManager() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * The next {@code writers} {@code :addVersion} requests each wait (up to 10 s) until all of them
     * have arrived, then are applied one after the other: every read before them has been answered.
     */
    public void holdAddVersions(int writers) {
        heldWrites = new CountDownLatch(writers);
    }

    /**
     * When the next {@code :addVersion} of {@code secretId} arrives, the secret is first changed as
     * another writer would change it (a no-op update, which still gives it a new etag).
     */
    public void changeSecretOnNextAddVersion(String secretId) {
        touchOnAddVersion = secretId;
    }

    private void awaitOtherWriters() throws IOException {
        CountDownLatch latch = heldWrites;
        if (latch == null) {
            return;
        }
        latch.countDown();
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the other held writes never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A client through the real library: HTTP/JSON transport, no credentials. */
    public SecretManagerServiceClient client() {
        return SecretManagerClients.client(endpoint(), NoCredentialsProvider.create());
    }

    /** Creates a secret with one version (as an operator would); returns the version number as text. */
    public synchronized String create(String secretId, String value, boolean rotation, Instant created) {
        Secret.Builder b = Secret.newBuilder().setName(secretId).setEtag(nextEtag());
        if (rotation) {
            b.setRotation(Rotation.newBuilder()
                    .setNextRotationTime(Timestamp.newBuilder().setSeconds(created.getEpochSecond() + 30 * 86400L))
                    .setRotationPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(30 * 86400L)));
            b.addTopics(
                    com.google.cloud.secretmanager.v1.Topic.newBuilder().setName(PROJECT + "/topics/secret-rotation"));
        }
        secrets.put(secretId, b.build());
        versions.put(secretId, new ArrayList<>(List.of(new Stored(1, value, created))));
        return "1";
    }

    public synchronized Secret secret(String secretId) {
        return secrets.get(secretId);
    }

    public synchronized List<Stored> versions(String secretId) {
        return versions.get(secretId);
    }

    /** The requests received so far, as {@code METHOD /path}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The next call answers with this HTTP status. */
    public void failNext(int status) {
        injected.add(status);
    }

    private String nextEtag() {
        return "\"" + Long.toHexString(0x5f3a1000L + ++etag) + "\"";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Integer status = injected.poll();
            if (status != null) {
                sendError(ex, status, status == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", "injected");
                return;
            }
            if (!path.startsWith("/v1/")) {
                sendError(ex, 404, "NOT_FOUND", "unknown path " + path);
                return;
            }
            String name = path.substring(4);
            String verb = null;
            int colon = name.lastIndexOf(':');
            if (colon > 0) {
                verb = name.substring(colon + 1);
                name = name.substring(0, colon);
            }
            // HttpURLConnection cannot send PATCH: the client sends POST with this header (as Google's
            // front ends accept).
            String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            String method = override != null ? override : ex.getRequestMethod();
            requests.add(method + " " + path);
            if ("addVersion".equals(verb)) {
                awaitOtherWriters();
            }
            synchronized (this) {
                route(ex, method, name, verb, body);
            }
        }
    }

    private void route(HttpExchange ex, String method, String name, String verb, String body) throws IOException {
        String[] parts = name.split("/");
        // projects/p/secrets/s[/versions[/n]]
        if (parts.length < 4 || !parts[2].equals("secrets")) {
            sendError(ex, 400, "INVALID_ARGUMENT", "bad resource name " + name);
            return;
        }
        String secretId = String.join("/", parts[0], parts[1], parts[2], parts[3]);
        Secret secret = secrets.get(secretId);
        if (secret == null) {
            sendError(ex, 404, "NOT_FOUND", "Secret [" + secretId + "] not found or has no versions.");
            return;
        }
        List<Stored> stored = versions.get(secretId);
        if (parts.length == 4 && verb == null && method.equals("GET")) {
            send(ex, secret);
        } else if (parts.length == 4 && verb == null && method.equals("PATCH")) {
            Secret.Builder in = Secret.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(body, in);
            if (!in.getEtag().isEmpty() && !in.getEtag().equals(secret.getEtag())) {
                sendError(ex, 400, "FAILED_PRECONDITION", "etag mismatch");
                return;
            }
            String mask = query(ex, "updateMask");
            Secret.Builder out = secret.toBuilder();
            if (mask.contains("annotations")) {
                out.clearAnnotations().putAllAnnotations(in.getAnnotationsMap());
            }
            if (mask.contains("versionAliases") || mask.contains("version_aliases")) {
                for (long n : in.getVersionAliasesMap().values()) {
                    if (stored.stream().noneMatch(s -> s.number == n)) {
                        sendError(ex, 400, "INVALID_ARGUMENT", "alias to a version that does not exist: " + n);
                        return;
                    }
                }
                out.clearVersionAliases().putAllVersionAliases(in.getVersionAliasesMap());
            }
            Secret updated = out.setEtag(nextEtag()).build();
            secrets.put(secretId, updated);
            send(ex, updated);
        } else if (parts.length == 4 && "addVersion".equals(verb) && method.equals("POST")) {
            com.google.cloud.secretmanager.v1.AddSecretVersionRequest.Builder in =
                    com.google.cloud.secretmanager.v1.AddSecretVersionRequest.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(body, in);
            if (secretId.equals(touchOnAddVersion)) {
                touchOnAddVersion = null;
                secrets.put(secretId, secret.toBuilder().setEtag(nextEtag()).build());
            }
            long n = stored.stream().mapToLong(s -> s.number).max().orElse(0) + 1;
            Instant created = stored.get(stored.size() - 1).created.plusSeconds(1);
            Stored s = new Stored(n, in.getPayload().getData().toStringUtf8(), created);
            stored.add(s);
            send(ex, version(secretId, s));
        } else if (parts.length == 5 && parts[4].equals("versions") && method.equals("GET")) {
            ListSecretVersionsResponse.Builder r = ListSecretVersionsResponse.newBuilder();
            for (int i = stored.size() - 1; i >= 0; i--) { // newest first, as the API lists them
                r.addVersions(version(secretId, stored.get(i)));
            }
            send(ex, r.setTotalSize(stored.size()).build());
        } else if (parts.length == 6 && parts[4].equals("versions")) {
            Stored s = find(secret, stored, parts[5]);
            if (s == null) {
                sendError(ex, 404, "NOT_FOUND", "Secret Version [" + name + "] not found.");
            } else if ("access".equals(verb) && method.equals("GET")) {
                if (s.state != SecretVersion.State.ENABLED) {
                    sendError(ex, 400, "FAILED_PRECONDITION", "Secret Version [" + name + "] is in DISABLED state.");
                    return;
                }
                send(
                        ex,
                        AccessSecretVersionResponse.newBuilder()
                                .setName(secretId + "/versions/" + s.number)
                                .setPayload(SecretPayload.newBuilder().setData(ByteString.copyFromUtf8(s.value)))
                                .build());
            } else if ("disable".equals(verb) && method.equals("POST")) {
                s.state = SecretVersion.State.DISABLED;
                send(ex, version(secretId, s));
            } else {
                sendError(ex, 400, "INVALID_ARGUMENT", method + " " + name + ":" + verb);
            }
        } else {
            sendError(ex, 400, "INVALID_ARGUMENT", method + " " + name);
        }
    }

    private static Stored find(Secret secret, List<Stored> stored, String ref) {
        long n;
        if (ref.equals("latest")) {
            return stored.stream()
                    .filter(s -> s.state == SecretVersion.State.ENABLED)
                    .reduce((a, b) -> b)
                    .orElse(null);
        } else if (secret.containsVersionAliases(ref)) {
            n = secret.getVersionAliasesOrThrow(ref);
        } else {
            try {
                n = Long.parseLong(ref);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return stored.stream().filter(s -> s.number == n).findFirst().orElse(null);
    }

    private static SecretVersion version(String secretId, Stored s) {
        return SecretVersion.newBuilder()
                .setName(secretId + "/versions/" + s.number)
                .setCreateTime(Timestamp.newBuilder().setSeconds(s.created.getEpochSecond()))
                .setState(s.state)
                .setEtag("\"v" + s.number + "\"")
                .build();
    }

    private static String query(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getQuery();
        if (q == null) {
            return "";
        }
        for (String kv : q.split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        return "";
    }

    private static void send(HttpExchange ex, Message m) throws IOException {
        write(ex, 200, JsonFormat.printer().print(m));
    }

    private static void sendError(HttpExchange ex, int code, String status, String message) throws IOException {
        write(
                ex,
                code,
                "{\"error\":{\"code\":" + code + ",\"message\":\"" + message.replace("\"", "'") + "\",\"status\":\""
                        + status + "\"}}");
    }

    private static void write(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
