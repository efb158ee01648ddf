package dev.dbre.aws.config;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.net.URI;
import java.net.URISyntaxException;

/** Optional endpoint URLs for AWS clients (an interface VPC endpoint, LocalStack, a test server). */
public final class AwsEndpoints {
    private AwsEndpoints() {}

    /**
     * The URL in {@code variable}, or null when it is not set.
     *
     * @throws ConfigException naming {@code variable} when it is not an http(s) URL
     */
    public static URI optional(Env env, String variable) {
        String text = env.optional(variable);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(variable, "must be an http(s) URL, was '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(variable, "is not a URL: " + e.getReason());
        }
    }
}
