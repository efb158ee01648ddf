package dev.dbre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The check every provider test makes of a refused call: which kind, which provider code, may it be retried. */
public final class ProviderErrors {
    private ProviderErrors() {}

    /**
     * Asserts that {@code call} throws a {@link ProviderException} of kind {@code error} with the
     * provider's own {@code code} (its retryability follows from the kind).
     *
     * @return the assertion on the thrown exception, for further checks (its message)
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertProviderError(
            ThrowingCallable call, ProviderError error, String code) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.error()).as("error kind").isEqualTo(error);
            assertThat(e.code()).as("error code").isEqualTo(code);
            assertThat(e.retryable()).as("retryable").isEqualTo(error.retryable());
        });
    }

    /**
     * Asserts that {@code call} throws a {@link ProviderException} of kind {@code error}, whatever
     * the provider's own code (contract tests: the code is each provider's).
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertProviderErrorKind(
            ThrowingCallable call, ProviderError error) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.error()).as("error kind of " + e.getMessage()).isEqualTo(error);
            assertThat(e.retryable()).as("retryable").isEqualTo(error.retryable());
            assertThat(e.code()).as("the provider's code").isNotBlank();
        });
    }

    /**
     * Asserts that {@code call} throws a {@link ProviderException} with {@code code} and {@code
     * retryable}, whatever its kind.
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
