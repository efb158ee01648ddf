package dev.dbre.local;

import dev.dbre.embedded.LocalPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL whose data directory ({@code <dir>/data}) is kept between commands: the
 * snapshot command's local database and the restore commands' records. It is created in {@code
 * <dir>/data.init} and renamed to {@code data} only once initdb and the first set-up finished, so an
 * interrupted first start leaves no half-made {@code data} behind; what such a start left is removed
 * by the next one, which says so.
 */
final class KeptPostgres {
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    /** What a new database needs before it counts as made (e.g. a database created in it). */
    interface Setup {
        void run(LocalPostgres server) throws SQLException;
    }

    private KeptPostgres() {}

    /**
     * Starts the server of {@code dir}, making it first if there is none.
     *
     * @param notes where to say that a half-made directory was removed, or that a new one is made
     * @throws UncheckedIOException if the server cannot be made or started
     */
    static LocalPostgres open(Path dir, Map<String, String> config, Setup setup, PrintStream notes) {
        Path base = dir.toAbsolutePath().normalize();
        Path data = base.resolve("data");
        Path log = base.resolve("server.log");
        if (!Files.isRegularFile(data.resolve("PG_VERSION")) || !Files.isRegularFile(data.resolve("postgresql.conf"))) {
            removeLeftover(data, notes);
            Path init = base.resolve("data.init");
            removeLeftover(init, notes);
            notes.println("creating a PostgreSQL data directory under " + base + " (first use) ...");
            try (LocalPostgres server = LocalPostgres.startKept(init, base, 0, config, log, STARTUP_WAIT)) {
                setup.run(server);
            } catch (SQLException e) {
                throw new IllegalStateException("could not set up the new database under " + init, e);
            }
            try {
                Files.move(init, data, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("could not rename " + init + " to " + data, e);
            }
        }
        return LocalPostgres.startExisting(data, base, 0, config, log, STARTUP_WAIT);
    }

    private static void removeLeftover(Path dir, PrintStream notes) {
        if (!Files.exists(dir)) {
            return;
        }
        notes.println("removing " + dir + ": a data directory half made by an interrupted run");
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + dir, e);
        }
    }
}
