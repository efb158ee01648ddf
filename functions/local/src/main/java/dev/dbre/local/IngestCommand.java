package dev.dbre.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dbre.db.DbTimeouts;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre ingest [FILE] --jdbc-url URL}: stores a file through the same IngestService the
 * functions use, as one source record. Its exactly-once key defaults to the SHA-256 of the bytes,
 * so ingesting the same file twice stores it once.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Stores FILE (or standard input) through the ingest core as one source record and prints the"
                    + " outcome as one JSON object.",
            "The record's key is --stream plus --sequence (default: the SHA-256 of the bytes): ingesting the same"
                    + " bytes again stores nothing twice (outcome DUPLICATE).",
            "The database: --jdbc-url (migrated: dbre migrate; password from "
                    + MigrateCommand.ENV_PASSWORD + " if set), else the embedded PostgreSQL kept in the home (--home),"
                    + " made if there is none."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stored (also with rejected lines, or as a duplicate)",
            "1:the file cannot be read, or the record could not be stored (transient database fault)",
            "2:usage error"
        })
final class IngestCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @Mixin
    InputOptions input;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Option(
            names = "--stream",
            defaultValue = "cli:dbre-ingest",
            paramLabel = "STREAM",
            description = "The stream name stored with the record, the first half of its exactly-once key"
                    + " (default: ${DEFAULT-VALUE}).")
    String stream;

    // --source means the database backed up or restored from in every other command.
    @Option(names = "--source", hidden = true, paramLabel = "STREAM", description = "Deprecated: --stream.")
    String deprecatedSource;

    /** The stream, honouring the deprecated --source. */
    private String stream() {
        if (deprecatedSource != null) {
            parent.err.println("dbre ingest: --source is deprecated here; use --stream");
            return deprecatedSource;
        }
        return stream;
    }

    @Option(
            names = "--sequence",
            paramLabel = "KEY",
            description = "The record's exactly-once key (default: SHA-256 of the bytes).")
    String sequence;

    @Override
    public Integer call() throws IOException {
        byte[] payload;
        try (InputStream in = input.open(parent.in)) {
            payload = in.readAllBytes();
        }
        Clock clock = Clock.systemUTC();
        try (HomeDatabase.Target db =
                database.connect(parent, true, DbTimeouts.fromEnv(parent.env), "ingest_batches")) {
            return ingest(payload, clock, db);
        }
    }

    private int ingest(byte[] payload, Clock clock, HomeDatabase.Target db) throws IOException {
        // The interval and retentions `query` and `maintain` read too (raw points stay on, as documented).
        MetricStoreSettings store = MetricStoreSettings.fromEnv(parent.env).withRawPoints(true);
        IngestService service = new IngestService(db.connections(), ParseLimits.fromEnv(parent.env), store, clock);
        String key = sequence != null ? sequence : sha256(payload);
        SourceRecord record = new SourceRecord("", key, clock.instant(), payload, input.format.payloadFormat);
        String source = stream();
        BatchResult result = service.ingest(new IngestBatch(source, List.of(record)));
        RecordResult r = result.records().get(0);
        parent.out.println(summary(source, r));
        if (r.outcome().mustRetry()) {
            parent.err.println("dbre ingest: the record was not stored (" + r.failure() + " at " + db.where()
                    + "); running this again may help, and stores nothing twice");
            return DbreCommand.EXIT_FAILURE;
        }
        return DbreCommand.EXIT_OK;
    }

    private static String summary(String source, RecordResult r) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("source", source);
            g.writeStringField("sequence", r.sequence());
            g.writeStringField("outcome", r.outcome().name());
            g.writeNumberField("stored", r.stored());
            g.writeNumberField("rejected", r.rejected());
            g.writeStringField("failure", r.failure());
            g.writeEndObject();
        }
        return w.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
