package dev.dbre.local;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What {@code invoke} gives a handler: the function's environment (its app settings, pointing at
 * the chosen database), the clock, where its metric lines go, and how CloudEvents are sent; for the
 * functions that run on local stand-ins of cloud resources (snapshots, restores, secrets), where
 * those live and where to say which stand-in was used.
 *
 * @param binaryCloudEvents CloudEvents in binary mode ({@code ce-*} headers, as Eventarc sends
 *     Pub/Sub messages), else structured ({@code application/cloudevents+json})
 * @param home {@code <home>/invoke}: the stand-ins' folders ({@code source}, {@code backup}, {@code
 *     secrets})
 * @param jdbcUrl the function's database (the one its environment names)
 * @param dbUser its user (a password, if any, reaches PgJDBC as a pgpass file)
 * @param notes where the stand-in notes go (stderr): one line per cloud resource stood in for
 */
record InvokeTarget(
        Map<String, String> env,
        Clock clock,
        MetricsPublisher metrics,
        boolean binaryCloudEvents,
        Path home,
        String jdbcUrl,
        String dbUser,
        PrintStream notes) {
    /** The function's database, for the stand-ins' own reads (a restore run's id, a role's password). */
    ConnectionFactory database() {
        return JdbcConnectionFactory.of(jdbcUrl, dbUser, null);
    }

    /** Says which local resource stood in for which cloud resource (never a password). */
    void note(String line) {
        notes.println("dbre invoke: " + line);
    }
}
