package dev.dbre.db;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The one place the product builds PgJDBC URLs. PgJDBC reads parameters after a {@code ?} in the
 * URL and lets them override the driver properties ({@code sslmode}, {@code sslfactory}, {@code
 * socketFactory}, {@code cloudSqlInstance}, {@code user}, {@code password}, ...), so a URL built
 * here holds the host, the port and the database and nothing else: every setting travels as a
 * driver property, and the database name is percent-encoded (PgJDBC decodes it back), so no name
 * can add a parameter. Database names are also checked where they enter ({@link DatabaseNames}).
 */
public final class PgUrls {
    /** A DNS name or IPv4 address, or an IPv6 address in brackets: nothing PgJDBC reads as a separator. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    private PgUrls() {}

    /**
     * {@code jdbc:postgresql://host:port/database}.
     *
     * @throws IllegalArgumentException when {@code host} is not a host name or address ({@link #hostProblem})
     */
    public static String direct(String host, int port, String database) {
        String problem = hostProblem(host);
        if (problem != null) {
            throw new IllegalArgumentException("database host " + problem);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("database port " + port + " is not in 1..65535");
        }
        return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database);
    }

    /**
     * {@code jdbc:postgresql:///database}: no host, for a socket factory that finds the server
     * itself (the Cloud SQL connector, from its {@code cloudSqlInstance} property).
     */
    public static String throughSocketFactory(String database) {
        return "jdbc:postgresql:///" + encode(database);
    }

    /** Why {@code host} cannot go into a URL, or null when it can. */
    public static String hostProblem(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            return "'" + host + "' is not a host name or an IP address (IPv6 in brackets)";
        }
        return null;
    }

    /** The database name percent-encoded for the URL's path (PgJDBC decodes it with URLDecoder). */
    static String encode(String database) {
        // URLEncoder writes a space as '+', which URLDecoder also reads as a space; %20 is plainer.
        return URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
