package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlCredentialsTest {
    @Test
    void passwordParameters_areMasked_whateverTheScheme() {
        assertThat(UrlCredentials.mask("No suitable driver found for jdbc:mysql://h:3306/db?user=u&password=hunter2"))
                .isEqualTo("No suitable driver found for jdbc:mysql://h:3306/db?user=u&password=***");
        assertThat(UrlCredentials.mask("jdbc:postgresql://h/db?sslpassword=k3y;PASSWORD=x&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?sslpassword=***;PASSWORD=***&ssl=true");
    }

    @Test
    void aQuoteAroundTheUrl_staysOutsideTheMask() {
        assertThat(UrlCredentials.mask("'jdbc:mysql://h/db?password=hunter2' is not"))
                .isEqualTo("'jdbc:mysql://h/db?password=***' is not");
    }

    @Test
    void userInfoPasswords_areMasked_andTheUserKept() {
        assertThat(UrlCredentials.mask("bad URL postgres://app:s3cr%40t@db.example:5432/orders"))
                .isEqualTo("bad URL postgres://app:***@db.example:5432/orders");
        assertThat(UrlCredentials.mask("jdbc:postgresql://127.0.0.1:5432/dbre"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/dbre");
    }

    @Test
    void textWithoutCredentials_isUnchanged() {
        assertThat(UrlCredentials.mask("Connection to 127.0.0.1:1 refused."))
                .isEqualTo("Connection to 127.0.0.1:1 refused.");
        assertThat(UrlCredentials.mask(null)).isNull();
    }
}
