package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the single-user strategy decides on its own, seen through the logins it attempts (every
 * login is refused here; the password change itself runs on PostgreSQL in {@link
 * RotationDatabaseTest} and {@link RotationEdgeCasesTest}).
 */
class SingleUserStrategyTest {
    private static final String CURRENT_VALUE =
            "{\"host\":\"db\",\"username\":\"app\",\"password\":\"current-Pw-1\"," + "\"sslmode\":\"verify-ca\"}";

    private final MemorySecretStore store = new MemorySecretStore();
    private final List<DbSecret> logins = new ArrayList<>();
    private final SecretConnector refusesAll = s -> {
        logins.add(s);
        throw new SQLException("password authentication failed", "28P01");
    };
    private final SingleUserStrategy strategy = new SingleUserStrategy(store, refusesAll);
    private final DbSecret current = DbSecret.parse(CURRENT_VALUE, "CURRENT");

    @Test
    void pendingValue_isForTheSameUser_andNeedsNoEngine() {
        assertThat(strategy.pendingUser("app")).isEqualTo("app");
        assertThat(strategy.kind()).isEqualTo(RotationStrategy.SINGLE);
        RotationService.requireEngine(current, strategy, "app"); // no engine named: accepted
        assertThat(strategy.ownerRoleFromLogin()).isFalse();
    }

    @Test
    void pendingForAnotherUser_isRefusedBeforeAnyLogin() {
        DbSecret pending = current.with("app_clone", "new-Pw-2");
        assertThatThrownBy(() -> strategy.setPassword("app", current, pending, "SCRAM-SHA-256$x"))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.PENDING_MISMATCH));
        assertThat(logins).isEmpty();
    }

    @Test
    void currentRefused_triesPreviousWithCurrentsTls() {
        store.create(
                "app", "{\"host\":\"db\",\"username\":\"app\",\"password\":\"previous-Pw-0\",\"ssl\":false}", true);
        store.rotate("app", CURRENT_VALUE); // the first version becomes PREVIOUS
        assertThat(store.valueByStage("app", PREVIOUS)).isPresent();

        assertThatThrownBy(() -> strategy.setPassword("app", current, current.with("app", "new-Pw-2"), "v"))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.CANNOT_LOG_IN);
                    assertThat(e.getMessage()).contains("neither CURRENT nor PREVIOUS");
                });
        assertThat(logins).extracting(DbSecret::password).containsExactly("current-Pw-1", "previous-Pw-0");
        // PREVIOUS said "ssl": false; the login with it keeps CURRENT's verify-ca.
        assertThat(logins.get(1).sslMode()).isEqualTo("verify-ca");
    }

    @Test
    void currentRefused_andPreviousForAnotherUser_isNotTried() {
        store.create("app", "{\"host\":\"db\",\"username\":\"other\",\"password\":\"previous-Pw-0\"}", true);
        store.rotate("app", CURRENT_VALUE);

        assertThatThrownBy(() -> strategy.setPassword("app", current, current.with("app", "new-Pw-2"), "v"))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.getMessage()).contains("no usable PREVIOUS"));
        assertThat(logins).hasSize(1);
    }
}
