package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one-statement rule read without a server: what counts as a statement and what does not. */
class VerifyQueryTest {
    @Test
    void trailingComments_afterTheLastSemicolon_areNotAStatement() {
        assertThat(VerifyQuery.refusal("select 1; -- done", true)).isNull();
        assertThat(VerifyQuery.refusal("select 1; /* end */ ", true)).isNull();
        assertThat(VerifyQuery.check("select 1; \n -- a\n /* b */", true).statement())
                .isEqualTo("select 1");
    }

    @Test
    void commentsOnly_holdNoStatement() {
        assertThat(VerifyQuery.refusal("-- only a comment", true)).contains("holds no statement");
        assertThat(VerifyQuery.refusal(" /* only */ ; -- this", true)).contains("holds no statement");
    }

    @Test
    void aLoneDashOrSlash_afterTheQuery_isASecondStatement_notAComment() {
        // The last character of a part: a '-' or '/' with nothing after it begins no comment.
        assertThat(VerifyQuery.refusal("select 1; -", true)).contains("must be one statement");
        assertThat(VerifyQuery.refusal("select 1; /", true)).contains("must be one statement");
    }
}
