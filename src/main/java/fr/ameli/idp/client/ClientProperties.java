package fr.ameli.idp.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One relying party as an operator writes it in YAML ({@code idp.clients[]}) or sends it to the operator
 * API. The secret is given as its SHA-256 (hex): client secrets are high-entropy random strings (at least
 * 32 characters, as FranceConnect requires), so a fast hash is enough and keeps the token endpoint fast.
 */
public record ClientProperties(
        String clientId,
        @Nullable String clientName,
        @Nullable String clientSecretSha256,
        @Nullable List<String> authMethods,
        List<String> redirectUris,
        @Nullable List<String> postLogoutRedirectUris,
        List<String> scopes,
        @Nullable String idTokenAlg,
        @Nullable String userinfoAlg,
        @Nullable String sector,
        @Nullable String jwks,
        @Nullable Boolean requirePkce) {
}
