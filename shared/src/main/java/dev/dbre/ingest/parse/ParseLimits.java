package dev.dbre.ingest.parse;

import dev.dbre.config.Env;

/**
 * Limits the parsers enforce on each line. A line over a limit is rejected (kept with its reason),
 * never truncated.
 *
 * @param maxLineBytes longest accepted line, in bytes ({@code LINE_TOO_LONG} above)
 * @param maxNameBytes longest metric, check or event name, in bytes ({@code NAME_TOO_LONG} above)
 * @param maxTags most tags on one line ({@code TOO_MANY_TAGS} above)
 * @param maxPackedValues most values on one packed line, {@code a:1:2:3|d} ({@code BAD_VALUE} above)
 */
public record ParseLimits(int maxLineBytes, int maxNameBytes, int maxTags, int maxPackedValues) {
    public static final String ENV_MAX_LINE_BYTES = "DBRE_INGEST_MAX_LINE_BYTES";
    public static final String ENV_MAX_NAME_BYTES = "DBRE_INGEST_MAX_NAME_BYTES";
    public static final String ENV_MAX_TAGS = "DBRE_INGEST_MAX_TAGS";
    public static final String ENV_MAX_PACKED_VALUES = "DBRE_INGEST_MAX_PACKED_VALUES";

    /**
     * 8192 bytes per line: the Datadog Agent's default {@code dogstatsd_buffer_size}, and a jumbo
     * frame (8932 bytes MTU) holds one such datagram. 200 bytes per name: the longest metric name
     * Datadog documents. 100 tags: far above real use (cardinality explodes long before), low
     * enough to bound the per-line sort. 64 packed values: the size of {@link
     * dev.dbre.ingest.ParsedLine#values}, and more than a client buffers per flush for one name.
     */
    public static final ParseLimits DEFAULTS = new ParseLimits(8192, 200, 100, 64);

    /** Upper bounds for the configuration, so a typo cannot make a parser allocate gigabytes. */
    private static final int MAX_LINE_CEILING = 1 << 24;

    private static final int MAX_NAME_CEILING = 1 << 16;
    private static final int MAX_TAGS_CEILING = 10_000;
    /** metric_points.idx is a smallint. */
    private static final int MAX_PACKED_CEILING = Short.MAX_VALUE;

    public ParseLimits {
        if (maxLineBytes < 1 || maxNameBytes < 1 || maxTags < 0 || maxPackedValues < 1) {
            throw new IllegalArgumentException("limits must be positive (maxTags may be 0): " + maxLineBytes + ", "
                    + maxNameBytes + ", " + maxTags + ", " + maxPackedValues);
        }
    }

    /**
     * Reads the limits from {@value #ENV_MAX_LINE_BYTES}, {@value #ENV_MAX_NAME_BYTES}, {@value
     * #ENV_MAX_TAGS} and {@value #ENV_MAX_PACKED_VALUES}; an unset variable keeps its default.
     *
     * @throws dev.dbre.config.ConfigException naming the variable, if one is not a whole number in
     *     its allowed range
     */
    public static ParseLimits fromEnv(Env env) {
        return new ParseLimits(
                env.integer(ENV_MAX_LINE_BYTES, DEFAULTS.maxLineBytes, 1, MAX_LINE_CEILING),
                env.integer(ENV_MAX_NAME_BYTES, DEFAULTS.maxNameBytes, 1, MAX_NAME_CEILING),
                env.integer(ENV_MAX_TAGS, DEFAULTS.maxTags, 0, MAX_TAGS_CEILING),
                env.integer(ENV_MAX_PACKED_VALUES, DEFAULTS.maxPackedValues, 1, MAX_PACKED_CEILING));
    }
}
