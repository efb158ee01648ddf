package dev.dbre.azure.rotation;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stateful Key Vault (secrets only) on https://127.0.0.1 with the test certificate, written from
 * the Key Vault REST reference (api-version 7.x): {@code PUT /secrets/{name}} (new version), {@code
 * GET /secrets/{name}/{version}} (empty version: the latest), {@code PATCH
 * /secrets/{name}/{version}} (tags, attributes), {@code GET /secrets/{name}/versions} (SecretItems
 * with tags), errors as {@code {"error":{"code","message"}}} (404 SecretNotFound, 403 for a
 * disabled version). It does Key Vault's challenge-based authentication: a request without a bearer
 * token gets 401 with {@code WWW-Authenticate: Bearer authorization=..., resource=...}, and only
 * {@value #TOKEN} is accepted afterwards.
 *
 * <p>Requests are served concurrently, as Key Vault serves them (each is applied atomically); {@link
 * #holdWrites} makes a test's concurrent writes interleave: every request up to the write has been
 * answered for all of them before any write is applied.
 *
 * <p>Why TLS: the SDK's bearer-token policy refuses plain http ("token credentials require a URL
 * using the HTTPS protocol scheme"), so Key Vault's SDK cannot be pointed at http://127.0.0.1.
 */
public final class FakeKeyVault implements AutoCloseable {
    static final String TOKEN = "test-vault-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "changeit";

    private final HttpsServer server;
    private final Map<String, Map<String, Version>> secrets = new HashMap<>();
    private final Deque<Integer> injected = new ConcurrentLinkedDeque<>();
    private final AtomicLong clock = new AtomicLong(1_700_000_000L);
    final List<String> scopesAsked = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile CountDownLatch heldWrites;

    static final class Version {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final String value;
        final long created;
        Map<String, String> tags = new LinkedHashMap<>();
        boolean enabled = true;
        Long exp;

        Version(String value, long created) {
            this.value = value;
            this.created = created;
        }
    }

    public FakeKeyVault() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = resource("tls/localhost.p12")) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * The next {@code writers} {@code PUT /secrets/{name}} requests each wait (up to 10 s) until all
     * of them have arrived, then are applied one after the other.
     */
    public void holdWrites(int writers) {
        heldWrites = new CountDownLatch(writers);
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

    public String vaultUrl() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A credential that hands out {@value #TOKEN} and records the scopes asked for. */
    public TokenCredential credential() {
        return request -> {
            scopesAsked.addAll(request.getScopes());
            return reactor.core.publisher.Mono.just(
                    new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1)));
        };
    }

    /** An HTTP client that trusts the test certificate (and nothing else). */
    public static HttpClient httpClient() {
        try (InputStream pem = resource("tls/localhost.pem")) {
            SslContext ssl = SslContextBuilder.forClient().trustManager(pem).build();
            return new NettyAsyncHttpClientBuilder(
                            reactor.netty.http.client.HttpClient.create().secure(spec -> spec.sslContext(ssl)))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client through the real SDK: challenge auth on (resource verification off, since the
     * challenge names vault.azure.net and the vault is 127.0.0.1), retries quick.
     */
    public SecretClient client() {
        return new SecretClientBuilder()
                .vaultUrl(vaultUrl())
                .credential(credential())
                .httpClient(httpClient())
                .disableChallengeResourceVerification()
                .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))))
                .buildClient();
    }

    /** Creates a secret version as an operator would (no dbre tags); returns Key Vault's version id. */
    public synchronized String create(String name, String value, Long expiresEpochSeconds) {
        Version v = new Version(value, clock.incrementAndGet());
        v.exp = expiresEpochSeconds;
        secrets.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(v.id, v);
        return v.id;
    }

    public synchronized List<Version> versions(String name) {
        return new ArrayList<>(secrets.getOrDefault(name, Map.of()).values());
    }

    /** The next call answers with this HTTP status. */
    public void failNext(int status) {
        injected.add(status);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                ex.getResponseHeaders()
                        .set(
                                "WWW-Authenticate",
                                "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\","
                                        + " resource=\"https://vault.azure.net\"");
                send(ex, 401, error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."));
                return;
            }
            if (!auth.equals("Bearer " + TOKEN)) {
                send(ex, 401, error("Unauthorized", "AKV10022: Invalid audience."));
                return;
            }
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            Integer status = injected.poll();
            if (status != null) {
                send(ex, status, error(status == 429 ? "Throttled" : "InternalServerError", "injected"));
                return;
            }
            String[] parts = ex.getRequestURI().getPath().split("/");
            // "", "secrets", name, [version | "versions"]
            if (parts.length < 3 || !parts[1].equals("secrets")) {
                send(ex, 400, error("BadParameter", "unknown path"));
                return;
            }
            String name = parts[2];
            String second = parts.length > 3 ? parts[3] : "";
            if (ex.getRequestMethod().equals("PUT")) {
                awaitOtherWriters();
            }
            synchronized (this) {
                switch (ex.getRequestMethod()) {
                    case "PUT" -> send(ex, 200, put(name, JSON.readTree(body)));
                    case "PATCH" -> patch(ex, name, second, JSON.readTree(body));
                    case "GET" -> {
                        if (second.equals("versions")) {
                            list(ex, name);
                        } else {
                            get(ex, name, second);
                        }
                    }
                    default -> send(ex, 405, error("BadParameter", "method"));
                }
            }
        }
    }

    private ObjectNode put(String name, JsonNode req) {
        Version v = new Version(req.path("value").asText(), clock.incrementAndGet());
        req.path("tags")
                .fields()
                .forEachRemaining(e -> v.tags.put(e.getKey(), e.getValue().asText()));
        JsonNode attrs = req.path("attributes");
        if (attrs.has("exp")) {
            v.exp = attrs.get("exp").asLong();
        }
        if (attrs.has("enabled")) {
            v.enabled = attrs.get("enabled").asBoolean();
        }
        secrets.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(v.id, v);
        return bundle(name, v, true);
    }

    private void patch(HttpExchange ex, String name, String version, JsonNode req) throws IOException {
        Version v = secrets.getOrDefault(name, Map.of()).get(version);
        if (v == null) {
            send(ex, 404, notFound(name));
            return;
        }
        if (req.has("tags")) {
            v.tags = new LinkedHashMap<>();
            req.get("tags")
                    .fields()
                    .forEachRemaining(e -> v.tags.put(e.getKey(), e.getValue().asText()));
        }
        JsonNode attrs = req.path("attributes");
        if (attrs.has("enabled")) {
            v.enabled = attrs.get("enabled").asBoolean();
        }
        if (attrs.has("exp")) {
            v.exp = attrs.get("exp").isNull() ? null : attrs.get("exp").asLong();
        }
        send(ex, 200, bundle(name, v, false));
    }

    private void get(HttpExchange ex, String name, String version) throws IOException {
        Map<String, Version> versions = secrets.get(name);
        Version v = null;
        if (versions != null) {
            if (version.isEmpty()) {
                v = versions.values().stream()
                        .max((a, b) -> Long.compare(a.created, b.created))
                        .orElse(null);
            } else {
                v = versions.get(version);
            }
        }
        if (v == null) {
            send(ex, 404, notFound(name));
        } else if (!v.enabled) {
            send(ex, 403, error("Forbidden", "Operation get is not allowed on a disabled secret."));
        } else {
            send(ex, 200, bundle(name, v, true));
        }
    }

    private void list(HttpExchange ex, String name) throws IOException {
        Map<String, Version> versions = secrets.get(name);
        if (versions == null) {
            send(ex, 404, notFound(name));
            return;
        }
        ObjectNode r = JSON.createObjectNode();
        var items = r.putArray("value");
        for (Version v : versions.values()) {
            ObjectNode item = bundle(name, v, false);
            items.add(item);
        }
        r.putNull("nextLink");
        send(ex, 200, r);
    }

    private ObjectNode bundle(String name, Version v, boolean withValue) {
        ObjectNode b = JSON.createObjectNode();
        if (withValue) {
            b.put("value", v.value);
        }
        b.put("id", vaultUrl() + "/secrets/" + name + "/" + v.id);
        ObjectNode attrs = b.putObject("attributes");
        attrs.put("enabled", v.enabled);
        if (v.exp != null) {
            attrs.put("exp", v.exp);
        }
        attrs.put("created", v.created);
        attrs.put("updated", v.created);
        attrs.put("recoveryLevel", "Recoverable+Purgeable");
        attrs.put("recoverableDays", 90);
        ObjectNode tags = b.putObject("tags");
        v.tags.forEach(tags::put);
        return b;
    }

    private static ObjectNode notFound(String name) {
        return error(
                "SecretNotFound",
                "A secret with (name/id) " + name + " was not found in this key vault. If you recently deleted this"
                        + " secret you may be able to recover it using the correct recovery command.");
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode r = JSON.createObjectNode();
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = FakeKeyVault.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " not found");
        }
        return in;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
