package dev.dbre.azure.rotation;

import dev.dbre.azure.trigger.EventGridEvent;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Key Vault's {@code Microsoft.KeyVault.SecretNearExpiry} Event Grid event: which secret of which
 * vault is about to expire ({@code data.ObjectName}, {@code data.VaultName}, {@code data.ObjectType}
 * {@code Secret}).
 *
 * @param eventId the event's id: a redelivery has the same one, so the rotation it starts resumes
 */
record SecretNearExpiry(String eventId, String vaultName, String secretName) {
    static final String TYPE = "Microsoft.KeyVault.SecretNearExpiry";

    /**
     * The near-expiry event in {@code event}, or empty when the event is of another type (a version
     * created by this very rotation, when the subscription includes that type).
     *
     * @throws IllegalArgumentException naming the field when the event has no id, is not about a
     *     secret, or names no secret or vault
     */
    static Optional<SecretNearExpiry> of(EventGridEvent event) {
        if (!event.type().filter(TYPE::equals).isPresent()) {
            return Optional.empty();
        }
        String id = event.id().orElseThrow(() -> new IllegalArgumentException("the Event Grid event has no id"));
        String objectType = event.data("ObjectType").orElse(null);
        if (!"Secret".equals(objectType)) {
            throw new IllegalArgumentException("event " + id + ": data.ObjectType is " + objectType + ", not Secret");
        }
        return Optional.of(new SecretNearExpiry(id, event.requireData("VaultName"), event.requireData("ObjectName")));
    }

    /**
     * @throws IllegalArgumentException unless the event is about the vault at {@code vaultUrl} (its
     *     first host label is the vault's name; an IP address, a local test vault, is not checked)
     */
    void requireVault(String vaultUrl) {
        String host = URI.create(vaultUrl).getHost();
        boolean ipLiteral = host.matches("[0-9.]+") || host.startsWith("[");
        if (!ipLiteral && !host.toLowerCase(Locale.ROOT).startsWith(vaultName.toLowerCase(Locale.ROOT) + ".")) {
            throw new IllegalArgumentException("event " + eventId + " is about vault " + vaultName
                    + ", but this function rotates secrets in " + vaultUrl + " (" + KeyVaultClients.VAULT_URL + ")");
        }
    }
}
