package dev.dbre.local;

/**
 * One step of {@code run-local}: a title for its progress lines and a body that does the work and
 * returns a one-line summary. A body fails by throwing; the run then stops and exits non-zero.
 */
record Stage(String title, Body body) {
    @FunctionalInterface
    interface Body {
        /** @return a short summary for the stage's closing line */
        String run(RunContext ctx) throws Exception;
    }
}
