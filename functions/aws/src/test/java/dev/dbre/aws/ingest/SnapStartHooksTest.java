package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.Env;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SnapStartHooksTest {
    @Test
    void beforeCheckpoint_primesParsersDecoderAndJsonCodec_withoutADatabase() {
        SnapStartHooks hooks = new SnapStartHooks();
        AtomicBoolean closed = new AtomicBoolean();
        hooks.onCheckpoint(() -> closed.set(true));

        hooks.beforeCheckpoint(null);

        Priming.Report report = hooks.lastPriming();
        // Six good DogStatsD lines (metrics of every kind, a service check, an event), one bad.
        assertThat(report.dogStatsdLines()).isEqualTo(6);
        assertThat(report.jsonLines()).isEqualTo(2);
        // The gzip+base64 HTTP sample went through HttpIngest and the JSON codec: 6 lines parsed.
        assertThat(report.httpStatus()).isEqualTo(202);
        assertThat(report.httpStored()).isEqualTo(6);
        assertThat(closed).isTrue();
    }

    @Test
    void afterRestore_leavesTheTokenCacheEmpty() {
        SnapStartHooks hooks = new SnapStartHooks();
        var tokens = new dev.dbre.aws.db.RdsIamTokenCache(() -> "tok", java.time.Clock.systemUTC());
        hooks.onRestore(tokens::clear);
        tokens.get();
        assertThat(tokens.isEmpty()).isFalse();

        hooks.afterRestore(null);

        assertThat(tokens.isEmpty()).isTrue();
    }

    @Test
    void handlerBuiltFromTheEnvironment_registersItsTokenCacheWithTheGlobalHooks() {
        IngestWiring components = IngestWiring.of(
                IngestConfig.fromEnv(new Env(Map.of(
                        "DBRE_DB_HOST", "db.internal",
                        "DBRE_DB_USER", "dbre_ingest",
                        "AWS_REGION", "us-east-2",
                        "DBRE_DB_SSLMODE", "require"))),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "example")));
        new KinesisIngestHandler(components);
        components.database().tokens().get();
        assertThat(components.database().tokens().isEmpty()).isFalse();

        SnapStartHooks.global().afterRestore(null);

        assertThat(components.database().tokens().isEmpty()).isTrue();
    }

    @Test
    void globalHooks_closeThePooledConnectionBeforeTheSnapshot() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        IngestWiring components = IngestWiring.of(
                IngestConfig.fromEnv(new Env(Map.of(
                        "DBRE_DB_HOST", "127.0.0.1",
                        "DBRE_DB_PORT", Integer.toString(db.server().port()),
                        "DBRE_DB_NAME", db.name(),
                        "DBRE_DB_USER", "postgres",
                        "DBRE_DB_AUTH", "none",
                        "DBRE_DB_SSLMODE", "disable"))),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "example")));
        new HttpIngestHandler(components);
        try (Connection c = components.database().connections().open()) {
            assertThat(c.isValid(5)).isTrue();
        }
        // Returned to the pool, still open on the server.
        assertThat(pooledBackends(db)).isEqualTo(1);

        SnapStartHooks.global().beforeCheckpoint(null);

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pooledBackends(db) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(pooledBackends(db)).isZero();
    }

    @Test
    void aWiringUsedByBothIngestHandlers_registersItsActionsOnce() {
        IngestWiring wiring = IngestWiring.of(
                IngestConfig.fromEnv(new Env(Map.of(
                        "DBRE_DB_HOST", "db.internal",
                        "DBRE_DB_USER", "dbre_ingest",
                        "AWS_REGION", "us-east-2",
                        "DBRE_DB_SSLMODE", "require"))),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "example")));
        SnapStartHooks hooks = new SnapStartHooks();
        java.util.concurrent.atomic.AtomicInteger restores = new java.util.concurrent.atomic.AtomicInteger();
        hooks.onRestore(restores::incrementAndGet);

        wiring.registerWith(hooks);
        wiring.registerWith(hooks);
        hooks.afterRestore(null);

        // Ours plus the one registered here: one restore action each, not two of ours.
        assertThat(hooks.restoreActions()).isEqualTo(2);
        assertThat(restores).hasValue(1);
    }

    /** Server backends of the function (ApplicationName dbre-functions) on this test's database. */
    private static long pooledBackends(TestDatabase db) throws Exception {
        return db.queryLong("select count(*) from pg_stat_activity where datname = '" + db.name()
                + "' and application_name = 'dbre-functions' and pid <> pg_backend_pid()");
    }
}
