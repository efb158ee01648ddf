package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.rotation.RotationService.dbFailure;
import static dev.dbre.rotation.RotationService.requireEngine;
import static dev.dbre.rotation.RotationService.store;

import dev.dbre.port.SecretStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Two users take turns (AWS's multi-user template): PENDING is for the user not in CURRENT
 * ({@code <user>} and {@code <user>_clone}), and setSecret, after proving CURRENT logs in, has the
 * administrator secret named by CURRENT's {@code masterarn} create or update that user, so CURRENT
 * keeps logging in throughout.
 */
final class AlternatingUsersStrategy implements UserStrategy {
    /** PostgreSQL's NAMEDATALEN - 1. */
    static final int MAX_ROLE_NAME_BYTES = 63;

    static final String CLONE_SUFFIX = "_clone";

    private final SecretStore store;
    private final SecretConnector connector;
    private final MasterEndpointResolver masterEndpoints;

    AlternatingUsersStrategy(SecretStore store, SecretConnector connector, MasterEndpointResolver masterEndpoints) {
        this.store = store;
        this.connector = connector;
        this.masterEndpoints = masterEndpoints;
    }

    @Override
    public RotationStrategy kind() {
        return RotationStrategy.ALTERNATING;
    }

    @Override
    public boolean engineRequired() {
        return true;
    }

    @Override
    public String pendingUser(String currentUser) {
        return alternateUser(currentUser);
    }

    @Override
    public boolean ownerRoleFromLogin() {
        return true;
    }

    @Override
    public String setPassword(String id, DbSecret current, DbSecret pending, String verifier) {
        requireEngine(current, this, id);
        if (!pending.username().equals(alternateUser(current.username())) || !pending.sameServer(current)) {
            throw new RotationException(
                    RotationError.PENDING_MISMATCH,
                    "the PENDING value of " + id + " must be for user " + alternateUser(current.username())
                            + " on CURRENT's server");
        }
        // Confused-deputy protection: whoever asks for a rotation must hold a working CURRENT, or the
        // administrator would set a password for a user the caller never controlled.
        try (Connection ignored = connector.open(current)) {
            // logged in
        } catch (SQLException e) {
            throw dbFailure(RotationError.CANNOT_LOG_IN, "CURRENT of " + id + " cannot log in", e);
        }
        DbSecret admin = adminSecret(id, current);
        try (Connection a = connector.open(admin)) {
            boolean created =
                    PgRoles.prepareAlternate(a, current.username(), pending.username(), verifier, current.ownerRole());
            return (created ? "created role " : "updated role ")
                    + pending.username()
                    + (current.ownerRole() == null ? "" : ", owner role " + current.ownerRole());
        } catch (SQLException e) {
            throw dbFailure(
                    RotationError.DATABASE_ERROR,
                    "as the administrator of " + id + ", could not create or update role " + pending.username(),
                    e,
                    pending.password(),
                    verifier,
                    admin.password());
        }
    }

    private DbSecret adminSecret(String id, DbSecret current) {
        String adminId = current.masterArn();
        if (adminId == null) {
            throw new RotationException(
                    RotationError.ADMIN_SECRET_INVALID,
                    "the CURRENT value of " + id + " has no 'masterarn' (the administrator secret alternating users"
                            + " need)");
        }
        String value = store(() -> store.valueByStage(adminId, CURRENT), "read the administrator secret")
                .orElseThrow(() -> new RotationException(
                        RotationError.ADMIN_SECRET_INVALID,
                        "the administrator secret " + adminId + " named by " + id + " has no CURRENT value"));
        if (!DbSecret.hasHost(value)) {
            return managedAdminSecret(id, adminId, value, current);
        }
        DbSecret admin;
        try {
            admin = DbSecret.parse(value, "the administrator secret " + adminId);
        } catch (RotationException e) {
            throw new RotationException(RotationError.ADMIN_SECRET_INVALID, e.getMessage());
        }
        if (!admin.sameServer(current)) {
            throw new RotationException(
                    RotationError.ADMIN_SECRET_INVALID,
                    "the administrator secret " + adminId + " is for " + admin.host() + ":" + admin.port() + ", " + id
                            + " for " + current.host() + ":" + current.port());
        }
        return admin;
    }

    /**
     * An administrator secret with no host (an RDS-managed master secret): its endpoint comes from
     * the resolver, and it is accepted only if CURRENT's host is that endpoint or one of its
     * replicas (a read replica, a cluster's reader endpoint: the same data, AWS's #156).
     */
    private DbSecret managedAdminSecret(String id, String adminId, String value, DbSecret current) {
        MasterEndpoint endpoint = store(
                        () -> masterEndpoints.resolve(adminId), "find the endpoint of administrator secret " + adminId)
                .orElseThrow(() -> new RotationException(
                        RotationError.ADMIN_SECRET_INVALID,
                        "the administrator secret " + adminId + " named by " + id
                                + " has no 'host', and it is not a database-managed master secret whose endpoint"
                                + " could be found"));
        if (!endpoint.serves(current.host())) {
            throw new RotationException(
                    RotationError.ADMIN_SECRET_INVALID,
                    "the administrator secret " + adminId + " is for " + endpoint.source() + " (" + endpoint.host()
                            + ":" + endpoint.port() + " and its replicas " + endpoint.replicaHosts() + "), " + id
                            + " for " + current.host() + ":" + current.port());
        }
        try {
            return DbSecret.parseAt(value, "the administrator secret " + adminId, endpoint, current);
        } catch (RotationException e) {
            throw new RotationException(RotationError.ADMIN_SECRET_INVALID, e.getMessage());
        }
    }

    /** {@code <user>_clone}, or {@code <user>} from {@code <user>_clone}. */
    static String alternateUser(String user) {
        String alt = user.endsWith(CLONE_SUFFIX)
                ? user.substring(0, user.length() - CLONE_SUFFIX.length())
                : user + CLONE_SUFFIX;
        int bytes = alt.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ROLE_NAME_BYTES || alt.isEmpty()) {
            throw new RotationException(
                    RotationError.USERNAME_TOO_LONG,
                    "the alternate user of " + user + " would be " + bytes + " bytes; PostgreSQL allows "
                            + MAX_ROLE_NAME_BYTES);
        }
        return alt;
    }
}
