package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The capture the rotation tests rely on does see what they scan for. */
class LogCaptureTest {
    @Test
    void capture_seesSlf4jLines_pgjdbcTrace_andTheServerStatementLog() throws Exception {
        PasswordPostgres.server();
        try (LogCapture logs = new LogCapture()) {
            LoggerFactory.getLogger("some.logger").debug("leaked {}", "hunter2-slf4j");
            try (var c = DriverManager.getConnection(PasswordPostgres.server().jdbcUrl("postgres"), "postgres", "");
                    var s = c.createStatement()) {
                s.execute("SELECT 'hunter2-sql'");
            }
            Thread.sleep(300); // the server's log reaches us through a pipe reader thread

            assertThat(logs.linesContainingAny(List.of("hunter2-slf4j"))).hasSize(1);
            assertThat(logs.linesContainingAny(List.of("hunter2-sql")))
                    .anyMatch(l -> l.startsWith("jul "))
                    .anyMatch(l -> l.startsWith("postgres ") && l.contains("LOG:"));
        }
    }
}
