package dev.dbre.rotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * The real {@link PgSecretConnector} with one injectable database fault: the next login as a
 * matching secret fails as a lost connection does (08006), or its connection works but fails when
 * closed, after the work on it was done and committed (the caller sees an error for a change that
 * happened).
 */
final class FaultyConnector implements SecretConnector {
    private final SecretConnector real = new PgSecretConnector(null);
    private Predicate<DbSecret> failOpen;
    private Predicate<DbSecret> failClose;

    void failNextOpen(Predicate<DbSecret> which) {
        failOpen = which;
    }

    void failNextClose(Predicate<DbSecret> which) {
        failClose = which;
    }

    @Override
    public Connection open(DbSecret secret) throws SQLException {
        if (failOpen != null && failOpen.test(secret)) {
            failOpen = null;
            throw new SQLException("injected: the connection was lost", "08006");
        }
        Connection c = real.open(secret);
        if (failClose == null || !failClose.test(secret)) {
            return c;
        }
        failClose = null;
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    try {
                        Object r = method.invoke(c, args);
                        if (method.getName().equals("close")) {
                            throw new SQLException("injected: the connection was lost after the work", "08006");
                        }
                        return r;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
