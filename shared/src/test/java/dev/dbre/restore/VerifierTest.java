package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Verification queries against the embedded PostgreSQL, written as someone would who wants them to
 * change the restored data or outlast the invocation: each must fail with a clear refusal or the
 * server's error, and the data must be unchanged.
 */
@ExtendWith(PostgresExtension.class)
class VerifierTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TestDatabase db;

    VerifierTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void threeOrders() throws SQLException {
        db.execute("drop table if exists orders; create table orders (id int primary key);"
                + " insert into orders values (1), (2), (3)");
    }

    private static RestoreRequest.VerifyCheck atLeastOne(String name, String sql) {
        return new RestoreRequest.VerifyCheck(name, sql, new RestoreRequest.Expect(BigDecimal.ONE, null, null, null));
    }

    private static RestoreRequest.VerifyCheck equalsText(String name, String sql, String value) {
        return new RestoreRequest.VerifyCheck(
                name, sql, new RestoreRequest.Expect(null, null, TextNode.valueOf(value), null));
    }

    private List<Verifier.CheckResult> run(RestoreRequest.VerifyCheck... checks) throws SQLException {
        return Verifier.run(db.connections(), List.of(checks), TIMEOUT);
    }

    private long orders() throws SQLException {
        return db.queryLong("select count(*) from orders");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "select 1; commit; delete from orders|REFUSED: the query must be one statement, it holds 3",
                "select 1; set statement_timeout = 0|REFUSED: the query must be one statement, it holds 2",
                "select 1; delete from orders; select 1|REFUSED: the query must be one statement",
                "commit|REFUSED: the query must be a query",
                "rollback|REFUSED: the query must be a query",
                "delete from orders|REFUSED: the query must be a query",
                "set statement_timeout = 0|REFUSED: the query must be a query",
                "set session characteristics as transaction read write|REFUSED: the query must be a query",
                "do $$ begin delete from orders; end $$|REFUSED: the query must be a query",
                "explain analyze delete from orders|REFUSED: the query must be a query",
                "with x as (select 1) delete from orders|REFUSED: the query must be a query",
                "with d as (delete from orders returning id) select count(*) from d|25006",
                "select * from orders for update|25006",
                "select * into orders_copy from orders|25006",
                "select set_config('transaction_read_only', 'off', false)|25001",
            })
    void escapeAttempt_failsItsCheck_andChangesNothing(String sql, String error) throws SQLException {
        List<Verifier.CheckResult> results =
                run(atLeastOne("escape", sql), atLeastOne("after", "select count(*) from orders"));

        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).error()).startsWith(error);
        assertThat(results.get(1).passed()).as("the next check still runs").isTrue();
        assertThat(orders()).isEqualTo(3);
        assertThat(db.queryLong("select count(*) from pg_class where relname = 'orders_copy'"))
                .isZero();
    }

    @Test
    void liftingTheSessionDefault_doesNotMakeTheNextCheckWritable() throws SQLException {
        List<Verifier.CheckResult> results = run(
                equalsText("lift", "select set_config('default_transaction_read_only', 'off', false)", "off"),
                atLeastOne("write", "with d as (delete from orders returning id) select count(*) from d"));

        assertThat(results.get(1).passed()).isFalse();
        assertThat(results.get(1).error()).startsWith("25006");
        assertThat(orders()).isEqualTo(3);
    }

    @Test
    void liftingTheStatementTimeoutInsideTheQuery_doesNotStopTheTimer() throws SQLException {
        List<Verifier.CheckResult> results = Verifier.run(
                db.connections(),
                List.of(atLeastOne(
                        "slow", "select 1 from (select set_config('statement_timeout', '0', false)) s, pg_sleep(5)")),
                Duration.ofMillis(300));

        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).error()).startsWith("57014"); // query_canceled: statement timeout
    }

    @Test
    void liftingTheStatementTimeoutInOneCheck_doesNotCarryToTheNext() throws SQLException {
        List<Verifier.CheckResult> results = Verifier.run(
                db.connections(),
                List.of(
                        equalsText("lift", "select set_config('statement_timeout', '0', false)", "0"),
                        atLeastOne("slow", "select 1 from pg_sleep(5)")),
                Duration.ofMillis(300));

        assertThat(results.get(0).passed()).isTrue();
        assertThat(results.get(1).error()).startsWith("57014");
    }

    @Test
    void simpleQueryProtocol_isRefused_beforeAnyQuery() {
        java.util.Properties simple = new java.util.Properties();
        simple.setProperty("user", "postgres");
        simple.setProperty("preferQueryMode", "simple");
        dev.dbre.port.ConnectionFactory viaSimple = new dev.dbre.db.JdbcConnectionFactory(db.jdbcUrl(), simple);

        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        Verifier.run(viaSimple, List.of(atLeastOne("count", "select count(*) from orders")), TIMEOUT))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("extended query protocol");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "select ';'|;",
                "select $$;$$|;",
                "select $tag$ ; delete from orders; $tag$|\" ; delete from orders; \"",
                "select E'\\'; delete from orders; --'|'; delete from orders; --",
                "select 'x' /* ; delete from orders */|x",
                "select 'x'; -- a trailing comment|x",
                "select 'x';|x",
                "-- leading comment; with a semicolon\\nselect 'x'|x",
                "with o as (select count(*) c from orders) select 'x' from o|x",
            })
    void semicolonInsideQuotesOrComments_isOneStatement_andRuns(String sql, String value) throws SQLException {
        List<Verifier.CheckResult> results = run(equalsText("one", sql.replace("\\n", "\n"), value));

        assertThat(results.get(0).error()).isNull();
        assertThat(results.get(0).passed()).isTrue();
        assertThat(orders()).isEqualTo(3);
    }
}
