package dev.dbre.gcp.backup;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.SQLAdminScopes;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds the Cloud SQL Admin client: the JDK's HTTP transport, Gson, and the given credentials. */
public final class CloudSqlAdmin {
    private CloudSqlAdmin() {}

    /**
     * A client with Application Default Credentials (the function's service account).
     *
     * @throws UncheckedIOException if no credentials can be found
     */
    public static SQLAdmin standard() {
        try {
            GoogleCredentials creds =
                    GoogleCredentials.getApplicationDefault().createScoped(SQLAdminScopes.SQLSERVICE_ADMIN);
            return create(SQLAdmin.DEFAULT_ROOT_URL, new HttpCredentialsAdapter(creds));
        } catch (IOException e) {
            throw new UncheckedIOException("no Google credentials for the Cloud SQL Admin API", e);
        }
    }

    /** A client for {@code rootUrl} (tests: a local server) that authorizes with {@code auth}. */
    public static SQLAdmin create(String rootUrl, HttpRequestInitializer auth) {
        return new SQLAdmin.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), auth)
                .setRootUrl(rootUrl)
                .setApplicationName("dbre-functions")
                .build();
    }
}
