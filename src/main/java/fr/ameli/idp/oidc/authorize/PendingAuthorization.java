package fr.ameli.idp.oidc.authorize;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A validated authorization request (every check passed), kept while the person logs in or consents.
 * Its {@code id} travels in the login and consent URLs; nothing in it is secret to the person.
 */
public record PendingAuthorization(
        String id,
        String clientId,
        String redirectUri,
        Set<String> scopes,
        String state,
        String nonce,
        @Nullable String codeChallenge,
        String acr,
        Set<String> prompt,
        @Nullable Integer maxAge,
        boolean amrRequested,
        @Nullable String uiLocales,
        Instant createdAt,
        Instant expiresAt) {

    public PendingAuthorization {
        scopes = Set.copyOf(scopes);
        prompt = Set.copyOf(prompt);
    }
}
