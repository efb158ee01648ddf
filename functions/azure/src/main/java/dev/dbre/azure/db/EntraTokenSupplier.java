package dev.dbre.azure.db;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Supplies a Microsoft Entra access token for Azure Database for PostgreSQL as the connection
 * password. The token lives about an hour; it is cached and fetched again five minutes before it
 * expires, so a warm instance asks Entra once an hour, not once per connection.
 */
public final class EntraTokenSupplier implements Supplier<String> {
    /** The audience of Azure Database for PostgreSQL (Flexible Server) tokens. */
    public static final String SCOPE = "https://ossrdbms-aad.database.windows.net/.default";

    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final Clock clock;
    private AccessToken cached;

    public EntraTokenSupplier(TokenCredential credential, Clock clock) {
        this.credential = Objects.requireNonNull(credential, "credential");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @throws IllegalStateException if no token could be obtained (the credential's own error is
     *     the cause; a connection attempt then fails and the batch is reported for retry)
     */
    @Override
    public synchronized String get() {
        if (cached == null
                || !clock.instant()
                        .plus(REFRESH_BEFORE_EXPIRY)
                        .isBefore(cached.getExpiresAt().toInstant())) {
            AccessToken token;
            try {
                token = credential.getTokenSync(new TokenRequestContext().addScopes(SCOPE));
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not get an Entra token for " + SCOPE, e);
            }
            if (token == null || token.getToken() == null) {
                throw new IllegalStateException("the Entra credential returned no token for " + SCOPE);
            }
            cached = token;
        }
        return cached.getToken();
    }

    @Override
    public String toString() {
        return "EntraTokenSupplier[" + SCOPE + "]"; // never the token
    }
}
