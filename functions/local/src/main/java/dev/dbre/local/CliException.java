package dev.dbre.local;

/**
 * A failure already put in words for the person at the terminal: what was wrong, what was tried,
 * and what to do (including whether running the command again can help). Printed as it is, in one
 * line; the cause is shown with {@code --verbose}.
 */
final class CliException extends RuntimeException {
    CliException(String message, Throwable cause) {
        super(message, cause);
    }

    CliException(String message) {
        super(message);
    }
}
