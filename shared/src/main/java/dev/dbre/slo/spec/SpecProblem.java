package dev.dbre.slo.spec;

/**
 * One thing wrong in an SLO spec file: where ({@code file}, 1-based {@code line}, 0 when unknown),
 * which field (a path such as {@code spec.objectives[0].target}, "" for the document) and what.
 */
public record SpecProblem(String file, int line, String field, String problem) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + problem;
    }
}
