package dev.dbre.aws.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Jackson codec of the ingest handlers (one instance: it is thread-safe and costly to build). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** A JSON object of string fields, given as name, value pairs. */
    static String object(String... nameValues) {
        ObjectNode o = MAPPER.createObjectNode();
        for (int i = 0; i < nameValues.length; i += 2) {
            o.put(nameValues[i], nameValues[i + 1]);
        }
        return o.toString();
    }
}
