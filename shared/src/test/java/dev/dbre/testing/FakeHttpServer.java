package dev.dbre.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server on 127.0.0.1 that stands in for a cloud API in SDK adapter tests: the SDK's
 * own client sends real requests, which are recorded, and gets scripted replies (fixtures shaped
 * like the provider's documented responses). A request no rule matches gets a 501 that names it,
 * so a missing script fails the test loudly instead of hanging.
 */
public final class FakeHttpServer implements AutoCloseable {
    /** One request as received. */
    public record Recorded(String method, String path, String query, Map<String, String> headers, String body) {
        /** The header (name in lower case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The body as an application/x-www-form-urlencoded form (AWS Query APIs). */
        public Map<String, String> form() {
            return decode(body);
        }

        /** The query string's parameters. */
        public Map<String, String> queryParams() {
            return decode(query);
        }

        private static Map<String, String> decode(String s) {
            Map<String, String> out = new LinkedHashMap<>();
            if (s == null || s.isEmpty()) {
                return out;
            }
            for (String pair : s.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    /** A scripted reply. */
    public record Reply(int status, String contentType, String body, Map<String, String> headers) {
        public static Reply of(int status, String contentType, String body) {
            return new Reply(status, contentType, body, Map.of());
        }

        /** A reply whose body is the class-path resource {@code path} (a fixture). */
        public static Reply resource(int status, String contentType, String path) {
            return of(status, contentType, FakeHttpServer.resource(path));
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Reply(status, contentType, body, h);
        }
    }

    private record Rule(Predicate<Recorded> match, Function<Recorded, Reply> reply, boolean once) {}

    private final HttpServer server;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Recorded> requests = new ArrayList<>();

    private FakeHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a server on an ephemeral port of 127.0.0.1. */
    public static FakeHttpServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeHttpServer fake = new FakeHttpServer(s);
            s.createContext("/", fake::handle);
            s.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** http://127.0.0.1:port */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Replies once to the first request that matches (one-shot rules are tried first, in order). */
    public synchronized FakeHttpServer once(Predicate<Recorded> match, Reply reply) {
        rules.add(new Rule(match, r -> reply, true));
        return this;
    }

    /** Replies to every request that matches and no one-shot rule took. */
    public synchronized FakeHttpServer always(Predicate<Recorded> match, Reply reply) {
        return always(match, r -> reply);
    }

    /** Replies to every request that matches and no one-shot rule took, computing the reply. */
    public synchronized FakeHttpServer always(Predicate<Recorded> match, Function<Recorded, Reply> reply) {
        rules.add(new Rule(match, reply, false));
        return this;
    }

    /** Every request received so far, in order. */
    public synchronized List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The requests that match. */
    public synchronized List<Recorded> requests(Predicate<Recorded> match) {
        return requests.stream().filter(match).toList();
    }

    /** Forgets the recorded requests (the rules stay). */
    public synchronized void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Reads a class-path resource as UTF-8 text. */
    public static String resource(String path) {
        try (InputStream in = FakeHttpServer.class.getResourceAsStream(path.startsWith("/") ? path : "/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                // Google's API clients gzip request bodies: record what was meant.
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    raw = in.readAllBytes();
                }
            }
            String body = new String(raw, StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            Recorded r = new Recorded(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(),
                    headers,
                    body);
            Reply reply = replyTo(r);
            byte[] bytes = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            if (reply.contentType() != null) {
                ex.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private synchronized Reply replyTo(Recorded r) {
        requests.add(r);
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.once() && rule.match().test(r)) {
                it.remove();
                return rule.reply().apply(r);
            }
        }
        for (Rule rule : rules) {
            if (!rule.once() && rule.match().test(r)) {
                return rule.reply().apply(r);
            }
        }
        return Reply.of(501, "text/plain", "no reply scripted for " + r.method() + " " + r.path() + " " + r.body());
    }
}
