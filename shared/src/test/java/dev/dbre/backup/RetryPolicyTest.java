package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void fromEnv_readsTheVariables_andDefaults() {
        assertThat(RetryPolicy.fromEnv(new Env(Map.of()))).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(RetryPolicy.fromEnv(new Env(Map.of(
                        RetryPolicy.ENV_MAX_ATTEMPTS, "3",
                        RetryPolicy.ENV_BASE_DELAY_MS, "50",
                        RetryPolicy.ENV_MAX_DELAY_MS, "400"))))
                .isEqualTo(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(400)));
    }

    @Test
    void badValues_nameTheVariable() {
        assertThatThrownBy(() -> RetryPolicy.fromEnv(new Env(Map.of(RetryPolicy.ENV_MAX_ATTEMPTS, "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_SNAPSHOT_MAX_ATTEMPTS: must be between 1 and 20");
        assertThatThrownBy(() -> RetryPolicy.fromEnv(new Env(Map.of(RetryPolicy.ENV_BASE_DELAY_MS, "fast"))))
                .hasMessageStartingWith("DBRE_SNAPSHOT_RETRY_BASE_MS: must be a whole number");
    }

    @Test
    void delays_areFullJitter_underAnExponentialCeiling_cappedAtTheMaximum() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        Random r = new Random(1);
        long[] max = new long[11];
        for (int i = 0; i < 5000; i++) {
            for (int retry = 1; retry <= 10; retry++) {
                long d = p.delay(retry, r).toMillis();
                assertThat(d).isBetween(0L, Math.min(1000L, 100L << (retry - 1)));
                max[retry] = Math.max(max[retry], d);
            }
        }
        // the jitter spans the range: the largest delay seen comes near each ceiling
        assertThat(max[1]).isGreaterThan(90);
        assertThat(max[4]).isGreaterThan(720);
        assertThat(max[10]).isGreaterThan(900);
    }
}
