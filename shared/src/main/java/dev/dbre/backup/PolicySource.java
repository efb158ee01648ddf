package dev.dbre.backup;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.BackupPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The snapshot function's backup policy and where it comes from: {@value #POLICY} (a file, {@code
 * s3://}, {@code ssm:}, an Azure blob or {@code gs://}; see {@link PolicyLocation}), or the older
 * {@value #POLICY_FILE} (a file path). The policy is read and validated at start-up (a bad one stops
 * the function before it does anything) and again on every run, so an edited policy takes effect at
 * the next run without a deployment. A run whose policy cannot be read or is invalid changes
 * nothing: it fails naming the location and the field.
 */
public final class PolicySource {
    public static final String POLICY = "DBRE_BACKUP_POLICY";
    public static final String POLICY_FILE = "DBRE_BACKUP_POLICY_FILE";

    /** Reads files; every runtime has it. */
    public static final PolicyReader FILES =
            location -> Files.readString(Path.of(location.name()), StandardCharsets.UTF_8);

    private final String variable;
    private final PolicyLocation location;
    private final PolicyReader reader;

    public PolicySource(String variable, PolicyLocation location, PolicyReader reader) {
        this.variable = variable;
        this.location = location;
        this.reader = reader;
    }

    /**
     * Where the policy is and the variable that named it: what a configuration read once at cold
     * start keeps when its runtime builds the readers later (they need the configuration first).
     *
     * @param variable {@value #POLICY}, or the older {@value #POLICY_FILE}
     */
    public record Setting(String variable, PolicyLocation location) {}

    /**
     * The location named by {@value #POLICY} or {@value #POLICY_FILE}, parsed and checked but not
     * read, or null when neither is set.
     *
     * @param readable the kinds of store this runtime reads besides files
     * @throws ConfigException naming the variable when both are set, the location is malformed, or
     *     this runtime cannot read its kind
     */
    public static Setting locate(Env env, Set<PolicyLocation.Kind> readable) {
        String uri = env.optional(POLICY);
        String file = env.optional(POLICY_FILE);
        if (uri != null && file != null) {
            throw new ConfigException(POLICY, "set either it or " + POLICY_FILE + ", not both");
        }
        if (uri == null && file == null) {
            return null;
        }
        String variable = uri != null ? POLICY : POLICY_FILE;
        PolicyLocation location;
        try {
            location = file != null
                    ? new PolicyLocation(PolicyLocation.Kind.FILE, null, file, file)
                    : PolicyLocation.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, e.getMessage());
        }
        if (location.kind() != PolicyLocation.Kind.FILE && !readable.contains(location.kind())) {
            throw new ConfigException(
                    variable, "'" + location + "' is read by " + location.kind().readBy() + ", not by this one");
        }
        return new Setting(variable, location);
    }

    /**
     * The source named by {@value #POLICY} or {@value #POLICY_FILE}, or null when neither is set.
     *
     * @param readers the stores this runtime reads besides files
     * @throws ConfigException naming the variable when both are set, the location is malformed, or
     *     this runtime cannot read its kind
     */
    public static PolicySource fromEnv(Env env, Map<PolicyLocation.Kind, PolicyReader> readers) {
        Setting setting = locate(env, readers.keySet());
        if (setting == null) {
            return null;
        }
        PolicyLocation.Kind kind = setting.location().kind();
        PolicyReader reader = readers.containsKey(kind) ? readers.get(kind) : FILES;
        return new PolicySource(setting.variable(), setting.location(), reader);
    }

    /**
     * As {@link #fromEnv(Env, Map)}, but a missing policy is an error.
     *
     * @throws ConfigException naming {@value #POLICY} when neither variable is set
     */
    public static PolicySource required(Env env, Map<PolicyLocation.Kind, PolicyReader> readers) {
        PolicySource source = fromEnv(env, readers);
        if (source == null) {
            throw new ConfigException(
                    POLICY, "is required by the snapshot function: a policy file, s3://, ssm:, blob or gs:// location");
        }
        return source;
    }

    /**
     * Reads and validates the policy now.
     *
     * @throws ConfigException naming the variable, the location and what was wrong (unreadable, or the
     *     field that is invalid)
     */
    public BackupPolicy load() {
        String text;
        try {
            text = reader.read(location);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(variable, "cannot read backup policy " + location + ": " + describe(e));
        }
        try {
            return BackupPolicyLoader.parse(location.text(), text);
        } catch (PolicyException e) {
            throw new ConfigException(variable, e.getMessage());
        }
    }

    /** The variable the location came from (for messages). */
    public String variable() {
        return variable;
    }

    public PolicyLocation location() {
        return location;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
