package dev.dbre.ingest;

/** How a record's bytes are to be read. */
public enum PayloadFormat {
    /** DogStatsD text, one line per metric, service check or event. */
    DOGSTATSD,
    /** A JSON object or an array of objects. */
    JSON,
    /** JSON when the first non-blank byte is '{' or '[', DogStatsD otherwise. */
    AUTO
}
