package dev.dbre.aws.ingest;

import dev.dbre.config.Env;

/**
 * Size limits of the HTTP ingest endpoint; a body over either gets 413.
 *
 * @param maxBodyBytes largest body as received, after base64 decoding and before gunzip ({@value
 *     #ENV_MAX_BODY_BYTES}, default 1 MiB)
 * @param maxDecompressedBytes largest body after gunzip ({@value #ENV_MAX_DECOMPRESSED_BYTES},
 *     default 10 MiB): bounds the memory a small "zip bomb" can claim
 */
public record HttpLimits(int maxBodyBytes, int maxDecompressedBytes) {
    public static final String ENV_MAX_BODY_BYTES = "DBRE_HTTP_MAX_BODY_BYTES";
    public static final String ENV_MAX_DECOMPRESSED_BYTES = "DBRE_HTTP_MAX_DECOMPRESSED_BYTES";

    /**
     * 1 MiB as received (API Gateway accepts 10 MB, Lambda 6 MB per synchronous invocation; a metrics
     * client flushing every few seconds sends far less) and 10 MiB decompressed (metric text
     * compresses about tenfold).
     */
    public static final HttpLimits DEFAULTS = new HttpLimits(1 << 20, 10 << 20);

    /** Upper bound of both settings: Lambda's own 6 MB invocation limit makes more pointless for the body. */
    private static final int CEILING = 256 << 20;

    public HttpLimits {
        if (maxBodyBytes < 1 || maxDecompressedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * @throws dev.dbre.config.ConfigException naming the variable, if one is not a whole number in
     *     [1, 268435456]
     */
    public static HttpLimits fromEnv(Env env) {
        return new HttpLimits(
                env.integer(ENV_MAX_BODY_BYTES, DEFAULTS.maxBodyBytes, 1, CEILING),
                env.integer(ENV_MAX_DECOMPRESSED_BYTES, DEFAULTS.maxDecompressedBytes, 1, CEILING));
    }
}
