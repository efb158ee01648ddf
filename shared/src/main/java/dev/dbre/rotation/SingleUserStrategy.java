package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.PREVIOUS;
import static dev.dbre.rotation.RotationService.dbFailure;
import static dev.dbre.rotation.RotationService.isLoginRefused;
import static dev.dbre.rotation.RotationService.store;

import dev.dbre.port.SecretStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The user changes its own password (AWS's single-user template): PENDING is for CURRENT's user,
 * and setSecret logs in with CURRENT, or with PREVIOUS when CURRENT is refused (a rotation that
 * set the password but did not finish), and runs {@code ALTER ROLE ... PASSWORD}.
 */
final class SingleUserStrategy implements UserStrategy {
    private final SecretStore store;
    private final SecretConnector connector;

    SingleUserStrategy(SecretStore store, SecretConnector connector) {
        this.store = store;
        this.connector = connector;
    }

    @Override
    public RotationStrategy kind() {
        return RotationStrategy.SINGLE;
    }

    @Override
    public boolean engineRequired() {
        return false;
    }

    @Override
    public String pendingUser(String currentUser) {
        return currentUser;
    }

    @Override
    public boolean ownerRoleFromLogin() {
        return false;
    }

    @Override
    public String setPassword(String id, DbSecret current, DbSecret pending, String verifier) {
        if (!pending.username().equals(current.username()) || !pending.sameServer(current)) {
            throw new RotationException(
                    RotationError.PENDING_MISMATCH,
                    "the PENDING value of " + id + " is for another user or server than CURRENT");
        }
        try (Connection c = logInCurrentOrPrevious(id, current)) {
            PgRoles.setPassword(c, current.username(), verifier);
        } catch (SQLException e) {
            throw dbFailure(
                    RotationError.DATABASE_ERROR,
                    "could not set the password of role " + current.username(),
                    e,
                    pending.password(),
                    verifier);
        }
        return "role " + current.username();
    }

    private Connection logInCurrentOrPrevious(String id, DbSecret current) {
        try {
            return connector.open(current);
        } catch (SQLException e) {
            if (!isLoginRefused(e)) {
                throw dbFailure(RotationError.CANNOT_LOG_IN, "CURRENT of " + id + " cannot log in", e);
            }
        }
        Optional<String> previousValue = store(() -> store.valueByStage(id, PREVIOUS), "read PREVIOUS");
        if (previousValue.isPresent()) {
            DbSecret previous = DbSecret.parse(previousValue.get(), "the PREVIOUS value of secret " + id);
            if (previous.username().equals(current.username()) && previous.sameServer(current)) {
                // AWS's template uses CURRENT's TLS setting for PREVIOUS too: never weaker than CURRENT.
                DbSecret withCurrentTls =
                        DbSecret.parse(current.toJson(), "CURRENT").with(previous.username(), previous.password());
                try {
                    return connector.open(withCurrentTls);
                } catch (SQLException e) {
                    throw dbFailure(
                            RotationError.CANNOT_LOG_IN,
                            "neither CURRENT nor PREVIOUS of " + id + " can log in as " + current.username(),
                            e);
                }
            }
        }
        throw new RotationException(
                RotationError.CANNOT_LOG_IN,
                "CURRENT of " + id + " cannot log in as " + current.username() + " and there is no usable PREVIOUS");
    }
}
