package dev.dbre.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a scheduled restore drill the way each cloud's scheduler would: one invocation per tick,
 * five minutes apart, enough ticks to restore, verify and clean up (and a few idle ones after).
 */
public final class Drills {
    /** Ticks from the first request to a cleaned-up drill, plus idle ticks after it is done. */
    public static final int TICKS = 7;

    /** The time between two scheduler ticks. */
    public static final Duration TICK = Duration.ofMinutes(5);

    private Drills() {}

    /**
     * A fresh database standing in for the restored copy: the small {@code orders} table that the
     * drill requests' checks (drills/orders-drill.json in each cloud's tests) count and date-check.
     *
     * @throws java.sql.SQLException if the table cannot be made
     */
    public static TestDatabase ordersDatabase() throws java.sql.SQLException {
        TestDatabase db = PostgresExtension.newDatabase();
        db.execute("create table orders (id bigint primary key, placed_at timestamptz not null)");
        db.execute("insert into orders values (1, '2026-11-20'), (2, '2026-11-21'), (3, '2026-11-22')");
        return db;
    }

    /** One scheduler invocation of a drill handler. */
    @FunctionalInterface
    public interface Tick<T> {
        T run(int tick) throws Exception;
    }

    /** One scheduler invocation of a drill handler that returns nothing. */
    @FunctionalInterface
    public interface Action {
        void run(int tick) throws Exception;
    }

    /**
     * Calls {@code action} {@link #TICKS} times, moving {@code clock} by {@link #TICK} after each.
     *
     * @throws Exception whatever an invocation throws
     */
    public static void run(MutableClock clock, Action action) throws Exception {
        tick(clock, i -> {
            action.run(i);
            return null;
        });
    }

    /**
     * Calls {@code tick} {@link #TICKS} times, moving {@code clock} by {@link #TICK} after each.
     *
     * @return what each tick returned, in order
     * @throws Exception whatever a tick throws
     */
    public static <T> List<T> tick(MutableClock clock, Tick<T> tick) throws Exception {
        List<T> results = new ArrayList<>();
        for (int i = 0; i < TICKS; i++) {
            results.add(tick.run(i));
            clock.advance(TICK);
        }
        return results;
    }

    /**
     * Asserts that exactly one drill run reached CLEANED_UP after being VERIFIED.
     *
     * @throws java.sql.SQLException if the query fails
     */
    public static void assertOneVerifiedDrillCleanedUp(TestDatabase db) throws java.sql.SQLException {
        assertThat(
                        db.queryLong(
                                "select count(*) from restore_runs where drill and state = 'CLEANED_UP' and outcome = 'VERIFIED'"))
                .as("drill runs cleaned up after a verified restore")
                .isEqualTo(1);
    }
}
