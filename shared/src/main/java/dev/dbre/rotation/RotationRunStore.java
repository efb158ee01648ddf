package dev.dbre.rotation;

import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes one {@code rotation_runs} row per rotation step (schema: {@code V12}): the secret's id,
 * the token, the step, how it ended and when, and which function on which cloud ran it. What the
 * SLO report's {@code source: rotation} reads. It never receives a secret value: only the request
 * (names) and the step's outcome.
 */
public final class RotationRunStore {
    private static final String INSERT = "insert into rotation_runs (secret_id, token, step, outcome, action,"
            + " error_kind, strategy, at, function_name, cloud) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final ConnectionFactory connections;
    private final Clock clock;
    private final String cloud;
    private final String functionName;

    /**
     * @param cloud {@code aws}, {@code azure}, {@code gcp} or {@code local}
     * @param functionName the function's name where the platform tells it, else null
     */
    public RotationRunStore(ConnectionFactory connections, Clock clock, String cloud, String functionName) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cloud = Objects.requireNonNull(cloud, "cloud");
        this.functionName = functionName;
    }

    /**
     * Records a step that completed ({@code result}) or failed ({@code error}).
     *
     * @throws SQLException if the database cannot be reached or the write fails
     */
    public void record(RotationRequest request, RotationStrategy strategy, StepResult result, RotationError error)
            throws SQLException {
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, request.secretId());
            ps.setString(2, request.token());
            ps.setString(3, request.step().wireName());
            ps.setString(4, error == null ? "COMPLETED" : "FAILED");
            ps.setString(5, result == null ? null : result.action().name());
            ps.setString(6, error == null ? null : error.name());
            ps.setString(7, strategy.name().toLowerCase(Locale.ROOT));
            ps.setTimestamp(8, Timestamp.from(clock.instant()));
            ps.setString(9, functionName);
            ps.setString(10, cloud);
            ps.executeUpdate();
        }
    }
}
