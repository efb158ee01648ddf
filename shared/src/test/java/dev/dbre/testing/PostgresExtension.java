package dev.dbre.testing;

import dev.dbre.embedded.LocalPostgres;
import dev.dbre.schema.SchemaMigrator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one embedded PostgreSQL per test JVM (started on first use, stopped at JVM
 * exit), a template database migrated once, and a fresh copy of it for each test class. Tests
 * take a {@link TestDatabase} parameter (constructor, lifecycle method or test method).
 *
 * <p>Files stay inside the build: under {@code java.io.tmpdir}, which surefire points at {@code
 * target/tmp}.
 */
public final class PostgresExtension implements ParameterResolver {
    private static final String TEMPLATE = "dbre_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile LocalPostgres server;

    /** The shared server, started on first call. */
    public static synchronized LocalPostgres server() {
        if (server == null) {
            Path base = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "embedded-pg-" + ProcessHandle.current().pid());
            // Room for the pools the function runtimes keep (one idle connection each, for up to
            // 5 minutes): a test JVM builds dozens of runtimes and closes none.
            LocalPostgres started = LocalPostgres.start(base, 0, Map.of("max_connections", "300"));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-pg-stop"));
            try (Connection c = DriverManager.getConnection(started.jdbcUrl("postgres"), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("create database " + TEMPLATE);
            } catch (SQLException e) {
                throw new IllegalStateException("could not create the template database", e);
            }
            SchemaMigrator.migrate(started.jdbcUrl(TEMPLATE), "postgres", null);
            server = started;
        }
        return server;
    }

    /** A new database, copied from the migrated template. */
    public static TestDatabase newDatabase() {
        LocalPostgres pg = server();
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("create database " + name + " template " + TEMPLATE);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return new TestDatabase(pg, name);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        // One database per test class: kept in the class-level store, created on first request.
        return classLevel(extensionContext)
                .getStore(ExtensionContext.Namespace.create(PostgresExtension.class))
                .getOrComputeIfAbsent("db", k -> newDatabase(), TestDatabase.class);
    }

    private static ExtensionContext classLevel(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }
}
