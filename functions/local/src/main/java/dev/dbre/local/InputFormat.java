package dev.dbre.local;

import dev.dbre.ingest.PayloadFormat;

/** The {@code --format} of the commands that read metric input. */
enum InputFormat {
    /** DogStatsD text, one line per metric, service check or event. */
    DOGSTATSD(PayloadFormat.DOGSTATSD),
    /** One JSON object, an array of objects, or newline-delimited objects. */
    JSON(PayloadFormat.JSON);

    final PayloadFormat payloadFormat;

    InputFormat(PayloadFormat payloadFormat) {
        this.payloadFormat = payloadFormat;
    }
}
