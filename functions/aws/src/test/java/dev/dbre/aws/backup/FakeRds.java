package dev.dbre.aws.backup;

import dev.dbre.db.DbAuth;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The RDS Query API on 127.0.0.1 for the real SDK v2 client: replies are the XML fixtures in
 * {@code src/test/resources/rds/}. Every Region's client talks to the same server; the Region a
 * request was signed for is read back from its SigV4 credential scope.
 */
public final class FakeRds implements AutoCloseable {
    public static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T22:00:05Z"), ZoneOffset.UTC);
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/rds/aws4_request");

    public final FakeHttpServer http = FakeHttpServer.start();
    public final RdsClients clients;

    public FakeRds() {
        clients = new RdsClients(region -> RdsClient.builder()
                .region(Region.of(region))
                .endpointOverride(http.uri())
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                // One request per call, so the tests see exactly what the provider sent; in
                // production the SDK's standard retries stay on (see RdsClients.standard()).
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build());
    }

    public RdsBackupProvider provider() {
        return new RdsBackupProvider(
                clients,
                "us-east-1",
                CLOCK,
                new RestoredDbLogin("verifier", DbAuth.NONE, "require", null),
                CREDENTIALS);
    }

    public static Predicate<Recorded> action(String action) {
        return r -> action.equals(r.form().get("Action"));
    }

    public static Predicate<Recorded> action(String action, String param, String value) {
        return r ->
                action.equals(r.form().get("Action")) && value.equals(r.form().get(param));
    }

    /** A fixture with each key of {@code replace} replaced by its value (dynamic names, ports). */
    public static Reply ok(String fixture, java.util.Map<String, String> replace) {
        String body = FakeHttpServer.resource("rds/" + fixture + ".xml");
        for (var e : replace.entrySet()) {
            body = body.replace(e.getKey(), e.getValue());
        }
        return Reply.of(200, "text/xml", body);
    }

    public static Reply ok(String fixture) {
        return Reply.resource(200, "text/xml", "rds/" + fixture + ".xml");
    }

    public static Reply error(int status, String fixture) {
        return Reply.resource(status, "text/xml", "rds/" + fixture + ".xml");
    }

    /** The run id the restored fixtures carry as their {@code dbre:restore-run} tag. */
    public static final String FIXTURE_RUN = "0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10";

    /** The {@code dbre:restore-run} tag a restore or create request sent, or null. */
    public static String runTag(Recorded r) {
        for (var e : r.form().entrySet()) {
            if (e.getKey().endsWith(".Key") && e.getValue().equals("dbre:restore-run")) {
                return r.form().get(e.getKey().substring(0, e.getKey().length() - 4) + ".Value");
            }
        }
        return null;
    }

    /** The requests with this Action. */
    public List<Recorded> sent(String action) {
        return http.requests(action(action));
    }

    /** The Region a request was signed for. */
    public static String region(Recorded r) {
        Matcher m = SCOPE.matcher(r.header("authorization"));
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        clients.close();
        http.close();
    }
}
