package dev.dbre.db;

/**
 * The one place SQL text is built from values that cannot be bound as parameters: identifiers
 * (role and table names) and the literals of utility statements such as {@code ALTER ROLE ...
 * PASSWORD '...'}, where PostgreSQL accepts no bind parameters.
 *
 * <p>Written by hand because PgJDBC's {@code Utils.escapeIdentifier}/{@code escapeLiteral} live in
 * an internal package and their literal form depends on the connection's {@code
 * standard_conforming_strings}; the rules here are PostgreSQL's own (lexical structure, sections
 * 4.1.1 and 4.1.2.1) and hold for every server setting.
 */
public final class SqlText {
    private SqlText() {}

    /**
     * A quoted identifier: {@code "} doubled and the whole wrapped in {@code "}, so quotes, spaces,
     * semicolons and case survive and nothing can close the identifier early.
     *
     * @throws IllegalArgumentException if {@code name} is empty or holds a NUL character (PostgreSQL
     *     rejects both)
     */
    public static String identifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier cannot be empty");
        }
        StringBuilder b = new StringBuilder(name.length() + 2).append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("an SQL identifier cannot contain a NUL character");
            }
            if (c == '"') {
                b.append('"');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /**
     * A standard string literal: {@code '} doubled and the whole wrapped in {@code '}. Backslashes
     * are refused rather than escaped: their meaning depends on {@code standard_conforming_strings}
     * (off, a backslash escapes the next character and could end the literal), so a value holding
     * one is never safe to inline.
     *
     * @throws IllegalArgumentException if {@code value} holds a backslash or a NUL character; the
     *     message never repeats the value
     */
    public static String literal(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == 0) {
                throw new IllegalArgumentException(
                        "a value inlined as an SQL literal cannot contain a backslash or NUL character");
            }
            if (c == '\'') {
                b.append('\'');
            }
            b.append(c);
        }
        return b.append('\'').toString();
    }
}
