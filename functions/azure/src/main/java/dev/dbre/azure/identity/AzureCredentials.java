package dev.dbre.azure.identity;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.dbre.config.Lazy;

/**
 * The function app's identity: one {@code DefaultAzureCredential} per process (the managed identity
 * in Azure, the developer's az login locally), shared by every client that signs in with it. Built
 * on first use; it asks Entra for nothing until the first token request.
 */
public final class AzureCredentials {
    /** The process's credential. */
    public static final Lazy<TokenCredential> DEFAULT = Lazy.of(() -> new DefaultAzureCredentialBuilder().build());

    private AzureCredentials() {}
}
