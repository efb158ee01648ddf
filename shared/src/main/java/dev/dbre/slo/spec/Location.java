package dev.dbre.slo.spec;

/** Where a definition starts: the file and its 1-based line. */
public record Location(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
