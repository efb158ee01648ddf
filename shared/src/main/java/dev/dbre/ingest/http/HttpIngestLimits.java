package dev.dbre.ingest.http;

import dev.dbre.config.Env;

/**
 * Size limits of the HTTP ingest endpoint.
 *
 * @param maxBodyBytes largest request body accepted as sent (gzip or not): 413 above
 * @param maxDecodedBytes largest body after gzip decoding: 413 above (bounds a "zip bomb")
 */
public record HttpIngestLimits(int maxBodyBytes, int maxDecodedBytes) {
    public static final String ENV_MAX_BODY_BYTES = "DBRE_HTTP_MAX_BODY_BYTES";
    public static final String ENV_MAX_DECODED_BYTES = "DBRE_HTTP_MAX_DECODED_BYTES";

    /** 1 MiB as sent, 10 MiB decoded: well under every platform's request limit (Lambda: 6 MB). */
    public static final HttpIngestLimits DEFAULTS = new HttpIngestLimits(1 << 20, 10 << 20);

    /** So that a typo cannot make one invocation buffer gigabytes. */
    private static final int CEILING = 1 << 28;

    public HttpIngestLimits {
        if (maxBodyBytes < 1 || maxDecodedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxBodyBytes + ", " + maxDecodedBytes);
        }
    }

    /**
     * Reads {@value #ENV_MAX_BODY_BYTES} and {@value #ENV_MAX_DECODED_BYTES}; unset keeps the
     * default.
     *
     * @throws dev.dbre.config.ConfigException naming the variable, if it is not a whole number in
     *     [1, 268435456]
     */
    public static HttpIngestLimits fromEnv(Env env) {
        return new HttpIngestLimits(
                env.integer(ENV_MAX_BODY_BYTES, DEFAULTS.maxBodyBytes, 1, CEILING),
                env.integer(ENV_MAX_DECODED_BYTES, DEFAULTS.maxDecodedBytes, 1, CEILING));
    }
}
