package dev.dbre.port;

import java.util.Map;
import java.util.Set;

/**
 * What a store says about a secret: whether rotation is on and which staging labels each version
 * carries ({@value #CURRENT}, {@value #PENDING}, {@value #PREVIOUS}; stores without labels map
 * theirs onto these).
 */
public record SecretMetadata(String secretId, boolean rotationEnabled, Map<String, Set<String>> versionStages) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    public static final String PREVIOUS = "AWSPREVIOUS";

    public SecretMetadata {
        versionStages = Map.copyOf(versionStages);
    }

    /** The version carrying {@code stage}, or null. */
    public String versionWith(String stage) {
        for (Map.Entry<String, Set<String>> e : versionStages.entrySet()) {
            if (e.getValue().contains(stage)) {
                return e.getKey();
            }
        }
        return null;
    }
}
