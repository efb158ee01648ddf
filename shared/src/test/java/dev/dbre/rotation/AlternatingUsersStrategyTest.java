package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the alternating-users strategy decides on its own, seen through the logins it attempts
 * (the role changes themselves run on PostgreSQL in {@link RotationDatabaseTest}).
 */
class AlternatingUsersStrategyTest {
    private static final String CURRENT_VALUE =
            "{\"engine\":\"postgres\",\"host\":\"db\",\"username\":\"app\",\"password\":\"current-Pw-1\"}";

    private final MemorySecretStore store = new MemorySecretStore();
    private final List<DbSecret> logins = new ArrayList<>();
    private final DbSecret current = DbSecret.parse(CURRENT_VALUE, "CURRENT");

    private AlternatingUsersStrategy strategy(boolean currentLogsIn) {
        SecretConnector connector = s -> {
            logins.add(s);
            if (!currentLogsIn) {
                throw new SQLException("password authentication failed", "28P01");
            }
            return (Connection) null; // a login that holds nothing open: try-with-resources skips it
        };
        return new AlternatingUsersStrategy(store, connector, MasterEndpointResolver.NONE);
    }

    @Test
    void pendingValue_isForTheOtherUser_andNeedsAnEngine() {
        AlternatingUsersStrategy s = strategy(true);
        assertThat(s.pendingUser("app")).isEqualTo("app_clone");
        assertThat(s.pendingUser("app_clone")).isEqualTo("app");
        assertThat(s.kind()).isEqualTo(RotationStrategy.ALTERNATING);
        assertThat(s.ownerRoleFromLogin()).isTrue();
        DbSecret noEngine = DbSecret.parse(CURRENT_VALUE.replace("\"engine\":\"postgres\",", ""), "CURRENT");
        assertThatThrownBy(() -> RotationService.requireEngine(noEngine, s, "app"))
                .isInstanceOfSatisfying(
                        RotationException.class,
                        e -> assertThat(e.error()).isEqualTo(RotationError.UNSUPPORTED_ENGINE));
    }

    @Test
    void pendingForTheSameUser_isRefusedBeforeAnyLogin() {
        assertThatThrownBy(() -> strategy(true).setPassword("app", current, current.with("app", "new-Pw-2"), "v"))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.PENDING_MISMATCH);
                    assertThat(e.getMessage()).contains("must be for user app_clone");
                });
        assertThat(logins).isEmpty();
    }

    @Test
    void currentRefused_theAdministratorIsNeverUsed() {
        DbSecret withAdmin = DbSecret.parse(CURRENT_VALUE.replace("}", ",\"masterarn\":\"admin\"}"), "CURRENT");
        store.create("admin", CURRENT_VALUE.replace("\"app\"", "\"postgres\""), false);
        int readsBefore = store.reads.get();

        assertThatThrownBy(() ->
                        strategy(false).setPassword("app", withAdmin, withAdmin.with("app_clone", "new-Pw-2"), "v"))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.CANNOT_LOG_IN));
        assertThat(logins).extracting(DbSecret::username).containsExactly("app");
        assertThat(store.reads.get()).isEqualTo(readsBefore);
    }

    @Test
    void currentLogsIn_butNoAdministratorSecretNamed_isRefused() {
        assertThatThrownBy(() -> strategy(true).setPassword("app", current, current.with("app_clone", "new-Pw-2"), "v"))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.ADMIN_SECRET_INVALID);
                    assertThat(e.getMessage()).contains("masterarn");
                });
        assertThat(logins).extracting(DbSecret::username).containsExactly("app");
    }
}
