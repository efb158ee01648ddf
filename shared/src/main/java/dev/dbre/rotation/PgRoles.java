package dev.dbre.rotation;

import static dev.dbre.db.SqlText.identifier;
import static dev.dbre.db.SqlText.literal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The role statements of a rotation. Role names are always quoted ({@link
 * dev.dbre.db.SqlText#identifier}); values that can be bound are bound; the password goes in as a
 * SCRAM verifier ({@link ScramVerifier}), never as plaintext.
 */
final class PgRoles {
    private PgRoles() {}

    /** {@code ALTER ROLE <role> WITH PASSWORD '<verifier>'}: a user may change its own password. */
    static void setPassword(Connection c, String role, String verifier) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + identifier(role) + " WITH PASSWORD " + literal(verifier));
        }
    }

    /**
     * As the administrator, in one transaction (role statements are transactional in PostgreSQL,
     * so a failure leaves nothing half-made): creates {@code pending} WITH LOGIN, or sets its
     * password if it exists; gives it the direct memberships of {@code current}; and then either
     *
     * <ul>
     *   <li>with an owner role: makes sure the owner role exists (NOLOGIN), both users are members
     *       of it, and both log in acting as it ({@code ALTER ROLE ... SET role}), so every object
     *       either creates is owned by the owner role and usable by the other; or
     *   <li>without: on creation, {@code GRANT <current> TO <pending>} as AWS's template does.
     * </ul>
     *
     * @return true if the role was created, false if it existed
     */
    static boolean prepareAlternate(Connection admin, String current, String pending, String verifier, String owner)
            throws SQLException {
        boolean autoCommit = admin.getAutoCommit();
        admin.setAutoCommit(false);
        try (Statement s = admin.createStatement()) {
            boolean exists = roleExists(admin, pending);
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + identifier(pending) + " WITH LOGIN PASSWORD "
                    + literal(verifier));
            for (String role : directMemberships(admin, current)) {
                if (!role.equals(pending) && !role.equals(owner) && !isMember(admin, role, pending)) {
                    grant(admin, s, role, pending);
                }
            }
            if (owner != null) {
                if (!roleExists(admin, owner)) {
                    s.execute("CREATE ROLE " + identifier(owner) + " NOLOGIN");
                }
                for (String user : List.of(current, pending)) {
                    grant(admin, s, owner, user);
                    s.execute("ALTER ROLE " + identifier(user) + " SET role = " + identifier(owner));
                }
            } else if (!exists && !isMember(admin, current, pending)) {
                grant(admin, s, current, pending);
            }
            admin.commit();
            return !exists;
        } catch (SQLException | RuntimeException e) {
            admin.rollback();
            throw e;
        } finally {
            admin.setAutoCommit(autoCommit);
        }
    }

    /** {@code GRANT role TO member} unless {@code member} already is a direct member. */
    private static void grant(Connection c, Statement s, String role, String member) throws SQLException {
        if (!directMemberships(c, member).contains(role)) {
            s.execute("GRANT " + identifier(role) + " TO " + identifier(member));
        }
    }

    static boolean roleExists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The roles {@code member} is directly a member of. */
    static List<String> directMemberships(Connection c, String member) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.rolname FROM pg_auth_members m"
                + " JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
                + " WHERE u.rolname = ? ORDER BY 1")) {
            ps.setString(1, member);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    /** Whether {@code member} is (directly or not) a member of {@code role}. */
    private static boolean isMember(Connection c, String member, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_has_role(?, ?, 'MEMBER')")) {
            ps.setString(1, member);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * testSecret's checks on a connection opened with the new credentials: a query runs and, with
     * an owner role, the session can act as it and (alternating users, {@code fromLogin}) does so
     * from login, so objects it creates are the owner role's.
     *
     * @return null when every check passes, else what failed
     */
    static String check(Connection c, String owner, boolean fromLogin) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    return "SELECT 1 returned no row";
                }
            }
            if (owner == null) {
                return null;
            }
            try (ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                if (fromLogin && !owner.equals(rs.getString(1))) {
                    return "the session does not act as the owner role " + identifier(owner)
                            + " from login (ALTER ROLE ... SET role is missing)";
                }
            }
            s.execute("RESET ROLE");
            s.execute("SET ROLE " + identifier(owner));
            s.execute("RESET ROLE");
            return null;
        }
    }
}
