package dev.dbre.restore;

import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;
import org.postgresql.core.SqlCommandType;

/**
 * The rule for a verification query: exactly one statement, and a query ({@code SELECT}, or {@code
 * WITH ... SELECT}). Several statements could leave the read-only transaction ({@code select 1;
 * commit; delete ...}) or lift its settings ({@code select 1; set statement_timeout = 0}); a
 * statement that is not a query could end it ({@code commit}, {@code rollback}) or run code ({@code
 * do}, {@code call}, {@code explain analyze}).
 *
 * <p>Split with PgJDBC's own parser, the one that splits a string into the statements it sends
 * (quotes, {@code E''} strings, double-quoted names, dollar quotes and comments are honoured, so a
 * {@code ;} inside them is not a separator). A {@code ;} followed only by comments is no second
 * statement. Only the one statement found is sent, as one extended-protocol query (for which
 * PostgreSQL itself refuses a second command), in a read-only transaction (see {@link Verifier}).
 *
 * @param statement the one statement to send, or null when refused
 * @param refusal why the query may not run, or null when it may
 */
record VerifyQuery(String statement, String refusal) {

    /**
     * Checks {@code sql}.
     *
     * @param standardConformingStrings the server's {@code standard_conforming_strings} (on unless
     *     someone turned it off: then a backslash escapes a quote in {@code '...'})
     */
    static VerifyQuery check(String sql, boolean standardConformingStrings) {
        List<NativeQuery> parts;
        try {
            parts = Parser.parseJdbcSql(sql, standardConformingStrings, false, true, false, false);
        } catch (SQLException e) {
            return refused("cannot be split into statements: " + e.getMessage());
        }
        NativeQuery statement = null;
        int statements = 0;
        for (NativeQuery part : parts) {
            if (!onlyComments(part.nativeSql)) {
                statement = part;
                statements++;
            }
        }
        if (statements == 0) {
            return refused("holds no statement");
        }
        if (statements > 1) {
            return refused("must be one statement, it holds " + statements + " separated by ';'");
        }
        SqlCommandType type = statement.command.getType();
        if (type != SqlCommandType.SELECT && type != SqlCommandType.WITH) {
            return refused("must be a query (SELECT, or WITH ... SELECT)");
        }
        return new VerifyQuery(statement.nativeSql, null);
    }

    /** Why {@code sql} may not run as a verification query, or null when it may. */
    static String refusal(String sql, boolean standardConformingStrings) {
        return check(sql, standardConformingStrings).refusal();
    }

    private static VerifyQuery refused(String why) {
        return new VerifyQuery(null, why);
    }

    /** True when {@code sql} is whitespace and comments only (comments as PgJDBC reads them). */
    private static boolean onlyComments(String sql) {
        char[] chars = sql.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (Character.isWhitespace(c)) {
                continue;
            }
            if (c == '-' && i + 1 < chars.length && chars[i + 1] == '-') {
                i = Parser.parseLineComment(chars, i);
            } else if (c == '/' && i + 1 < chars.length && chars[i + 1] == '*') {
                i = Parser.parseBlockComment(chars, i);
            } else {
                return false;
            }
        }
        return true;
    }
}
