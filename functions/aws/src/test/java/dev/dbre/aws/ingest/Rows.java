package dev.dbre.aws.ingest;

import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Small queries over the ingest tables, for the handler tests. */
final class Rows {
    private final TestDatabase db;

    Rows(TestDatabase db) {
        this.db = db;
    }

    long count(String table) throws SQLException {
        return db.queryLong("select count(*) from " + table);
    }

    /** Each row of a one-or-more-column query, columns joined with '|'. */
    List<String> list(String sql, Object... params) throws SQLException {
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        if (i > 1) {
                            sb.append('|');
                        }
                        sb.append(rs.getString(i));
                    }
                    out.add(sb.toString());
                }
            }
            return out;
        }
    }
}
