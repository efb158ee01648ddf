package dev.dbre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.ProviderException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The check every cloud provider test makes of a refused call: which error, and may it be retried. */
public final class ProviderErrors {
    private ProviderErrors() {}

    /**
     * Asserts that {@code call} throws a {@link ProviderException} with {@code code} and {@code
     * retryable}.
     *
     * @return the assertion on the thrown exception, for further checks (its message)
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertProviderError(
            ThrowingCallable call, String code, boolean retryable) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.code()).as("error code").isEqualTo(code);
            assertThat(e.retryable()).as("retryable").isEqualTo(retryable);
        });
    }
}
