package dev.dbre.local;

import dev.dbre.config.Env;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --home DIR}: the one folder every {@code dbre} command keeps its local state in, laid out
 * the same for all of them:
 *
 * <pre>
 * &lt;home&gt;/source    the local database that {@code snapshot} backs up (kept between runs)
 * &lt;home&gt;/backup    its archived WAL and snapshots, and the restored servers ({@code restore}, {@code drill})
 * &lt;home&gt;/backup/state  the records of restore runs (an embedded server)
 * &lt;home&gt;/secrets   the local secret store ({@code secret}, {@code rotate})
 * </pre>
 *
 * Default: {@code $DBRE_HOME}; {@code scripts/dbre} sets that to {@code <project>/.dbre}, so the
 * commands find the same state from any directory.
 */
final class Home {
    static final String ENV_HOME = "DBRE_HOME";
    /** Deprecated: what {@code snapshot --local-dir} read before {@code DBRE_HOME}. */
    static final String ENV_LOCAL_DIR = "DBRE_LOCAL_DIR";

    static final String DEFAULT_HOME = ".dbre";

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "Where local state lives (source/, backup/, secrets/). Default: $" + ENV_HOME
                    + " (scripts/dbre sets it to <project>/.dbre), else " + DEFAULT_HOME + ".")
    Path home;

    /** The home: --home, else $DBRE_HOME, else $DBRE_LOCAL_DIR (deprecated), else .dbre. */
    Path resolve(Env env) {
        if (home != null) {
            return home.toAbsolutePath().normalize();
        }
        String dir = env.optional(ENV_HOME);
        if (dir == null) {
            dir = env.string(ENV_LOCAL_DIR, DEFAULT_HOME);
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    static Path backupDir(Path home) {
        return home.resolve("backup");
    }

    static Path secretsDir(Path home) {
        return home.resolve("secrets");
    }
}
