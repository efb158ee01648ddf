package dev.dbre.rotation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/**
 * A database secret's value, in the JSON shape AWS uses for RDS secrets: {@code engine, host,
 * port, username, password, dbname}, and {@code masterarn} (the administrator secret, alternating
 * users). Our additions: {@code owner_role} (the role both alternating users share, see
 * docs/rotation.md) and {@code sslmode}. Fields we do not know are kept when the value is
 * rewritten.
 *
 * <p>TLS: {@code "ssl": false} or {@code "sslmode": "disable"} turn it off; otherwise the
 * connection is {@code verify-full} (or the {@code sslmode} named: require, verify-ca). There is
 * never a fallback to plaintext, and {@code allow}/{@code prefer} (which fall back) are refused.
 *
 * <p>{@link #toString()} never shows the password.
 */
public final class DbSecret {
    public static final Set<String> ENGINES = Set.of("postgres", "aurora-postgresql");
    static final Set<String> SSL_MODES = Set.of("disable", "require", "verify-ca", "verify-full");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode node;
    private final String engine;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String dbname;
    private final String masterArn;
    private final String ownerRole;
    private final String sslMode;

    private DbSecret(ObjectNode node, String where) {
        this.node = node;
        this.engine = text(node, "engine", where, false);
        this.host = checkHost(text(node, "host", where, true), where);
        this.port = port(node, where);
        this.username = text(node, "username", where, true);
        this.password = text(node, "password", where, true);
        String db = text(node, "dbname", where, false);
        this.dbname = db == null ? "postgres" : db;
        this.masterArn = text(node, "masterarn", where, false);
        this.ownerRole = text(node, "owner_role", where, false);
        this.sslMode = sslMode(node, where);
    }

    /**
     * @param where what the value is, for errors ("the CURRENT value of secret app-db")
     * @throws RotationException ({@link RotationError#SECRET_INVALID}) naming {@code where} and the
     *     field; never quoting the value
     */
    public static DbSecret parse(String json, String where) {
        return new DbSecret(object(json, where), where);
    }

    private static ObjectNode object(String json, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input: never pass it on.
            throw invalid(where, "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (!(n instanceof ObjectNode o)) {
            throw invalid(where, "is not a JSON object");
        }
        return o;
    }

    /** True if {@code json} is an object with a {@code host} field (any other check left to parse). */
    static boolean hasHost(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n instanceof ObjectNode o && o.hasNonNull("host");
        } catch (JsonProcessingException e) {
            return true; // let parse report it, without quoting the input
        }
    }

    /**
     * Parses an administrator value that names no server (an RDS-managed master secret holds only
     * username and password): {@code host} and {@code port} from {@code endpoint}; {@code dbname}
     * and TLS, where absent, from {@code like} (CURRENT), so the administrator never connects with
     * weaker TLS than the user it acts for.
     *
     * @throws RotationException ({@link RotationError#SECRET_INVALID}) as {@link #parse}
     */
    static DbSecret parseAt(String json, String where, MasterEndpoint endpoint, DbSecret like) {
        ObjectNode o = object(json, where);
        o.put("host", endpoint.host());
        o.put("port", endpoint.port());
        if (!o.hasNonNull("dbname")) {
            o.put("dbname", like.dbname());
        }
        if (!o.hasNonNull("ssl") && !o.hasNonNull("sslmode")) {
            o.put("sslmode", like.sslMode());
        }
        return new DbSecret(o, where);
    }

    /** This value with another user name and password; every other field kept. */
    public DbSecret with(String newUsername, String newPassword) {
        ObjectNode copy = node.deepCopy();
        copy.put("username", newUsername);
        copy.put("password", newPassword);
        return new DbSecret(copy, "the new value");
    }

    public String toJson() {
        return node.toString();
    }

    public String engine() {
        return engine;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String dbname() {
        return dbname;
    }

    /** The administrator secret's id (alternating users), or null. */
    public String masterArn() {
        return masterArn;
    }

    /** The role both alternating users belong to and create objects as, or null. */
    public String ownerRole() {
        return ownerRole;
    }

    /** disable, require, verify-ca or verify-full (the default). */
    public String sslMode() {
        return sslMode;
    }

    /** Same server: host (case-insensitive) and port. */
    public boolean sameServer(DbSecret other) {
        return host.equalsIgnoreCase(other.host) && port == other.port;
    }

    @Override
    public String toString() {
        return "DbSecret[" + username + "@" + host + ":" + port + "/" + dbname + ", sslmode=" + sslMode
                + ", password=***]";
    }

    private static String text(ObjectNode node, String field, String where, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(where, "has no '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw invalid(where, "has a '" + field + "' that is not a non-empty string");
        }
        return v.asText();
    }

    private static int port(ObjectNode node, String where) {
        JsonNode v = node.get("port");
        if (v == null || v.isNull()) {
            return 5432;
        }
        int p;
        if (v.isIntegralNumber()) {
            p = v.asInt();
        } else if (v.isTextual() && v.asText().matches("[0-9]{1,5}")) {
            p = Integer.parseInt(v.asText());
        } else {
            throw invalid(where, "has a 'port' that is not a number");
        }
        if (p < 1 || p > 65535) {
            throw invalid(where, "has a 'port' outside 1-65535: " + p);
        }
        return p;
    }

    /**
     * A host name or IP address only: the host goes into a JDBC URL, where '/', '?' or '&' could
     * add driver settings (say {@code ?sslmode=disable}).
     */
    private static String checkHost(String host, String where) {
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '-'
                    || c == '_'
                    || (bracketed && (c == ':' || ((c == '[' || c == ']') && (i == 0 || i == host.length() - 1))));
            if (!ok) {
                throw invalid(where, "has a 'host' with a character not allowed in a host name at position " + i);
            }
        }
        return host;
    }

    private static String sslMode(ObjectNode node, String where) {
        JsonNode ssl = node.get("ssl");
        Boolean sslFlag = null;
        if (ssl != null && !ssl.isNull()) {
            if (ssl.isBoolean()) {
                sslFlag = ssl.asBoolean();
            } else if (ssl.isTextual()
                    && (ssl.asText().equalsIgnoreCase("true") || ssl.asText().equalsIgnoreCase("false"))) {
                sslFlag = Boolean.parseBoolean(ssl.asText().toLowerCase(Locale.ROOT));
            } else {
                throw invalid(where, "has an 'ssl' that is neither true nor false");
            }
        }
        String mode = text(node, "sslmode", where, false);
        if (mode != null) {
            mode = mode.toLowerCase(Locale.ROOT);
            if (!SSL_MODES.contains(mode)) {
                throw invalid(
                        where,
                        "has 'sslmode' " + mode + "; allowed: " + SSL_MODES
                                + " (allow and prefer are refused: they fall back to plaintext)");
            }
            if (sslFlag != null && sslFlag != !mode.equals("disable")) {
                throw invalid(where, "has 'ssl' and 'sslmode' that disagree");
            }
            return mode;
        }
        return Boolean.FALSE.equals(sslFlag) ? "disable" : "verify-full";
    }

    private static RotationException invalid(String where, String problem) {
        return new RotationException(RotationError.SECRET_INVALID, where + " " + problem);
    }
}
