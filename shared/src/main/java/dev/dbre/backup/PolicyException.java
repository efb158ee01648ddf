package dev.dbre.backup;

/**
 * A backup policy file is invalid. The message names the file, the field path and what was wrong:
 * {@code policy.yaml: retention.daily: must be a whole number >= 0, was "x"}.
 */
public final class PolicyException extends RuntimeException {
    private final String file;
    private final String field;
    private final String problem;

    public PolicyException(String file, String field, String problem) {
        super(file + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.file = file;
        this.field = field;
        this.problem = problem;
    }

    /** The file (or label) the policy was read from. */
    public String file() {
        return file;
    }

    /** The field path, e.g. {@code retention.daily} or {@code share.accounts[2]}; "" for the document. */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
