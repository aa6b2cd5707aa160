package fr.ameli.idp.client;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * One relying party as an operator writes it in YAML ({@code idp.clients[]}) or sends it to the operator
 * API. The secret is given as its SHA-256 (hex): client secrets are high-entropy random strings (at least
 * 32 characters, as FranceConnect requires), so a fast hash is enough and keeps the token endpoint fast.
 *
 * <p>FranceConnect+ settings (README « Relying parties »): {@code defaultAcrValues} (eidas1 or eidas2 when the
 * request names none), {@code jwksUri} (the RP's keys, fetched and cached, instead of or besides {@code jwks}),
 * and the JWE algorithms of an encrypted ID token and userinfo (RFC names {@code id_token_encrypted_response_alg}…).
 * Back-channel logout 1.0: {@code backchannelLogoutUri}, where logout tokens are POSTed, and
 * {@code backchannelLogoutSessionRequired} (the {@code sid} is always in them).
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
        @Nullable Boolean requirePkce,
        @Nullable List<String> defaultAcrValues,
        @Nullable String jwksUri,
        @Nullable String idTokenEncryptedResponseAlg,
        @Nullable String idTokenEncryptedResponseEnc,
        @Nullable String userinfoEncryptedResponseAlg,
        @Nullable String userinfoEncryptedResponseEnc,
        @Nullable Boolean requirePushedAuthorizationRequests,
        @Nullable Boolean dpopBoundAccessTokens,
        @Nullable Boolean fapi,
        @Nullable String backchannelLogoutUri,
        @Nullable Boolean backchannelLogoutSessionRequired) {

    @ConstructorBinding
    public ClientProperties {
    }

    /** A registration without back-channel logout. */
    public ClientProperties(String clientId, @Nullable String clientName, @Nullable String clientSecretSha256,
            @Nullable List<String> authMethods, List<String> redirectUris, @Nullable List<String> postLogoutRedirectUris,
            List<String> scopes, @Nullable String idTokenAlg, @Nullable String userinfoAlg, @Nullable String sector,
            @Nullable String jwks, @Nullable Boolean requirePkce, @Nullable List<String> defaultAcrValues,
            @Nullable String jwksUri, @Nullable String idTokenEncryptedResponseAlg,
            @Nullable String idTokenEncryptedResponseEnc, @Nullable String userinfoEncryptedResponseAlg,
            @Nullable String userinfoEncryptedResponseEnc, @Nullable Boolean requirePushedAuthorizationRequests,
            @Nullable Boolean dpopBoundAccessTokens, @Nullable Boolean fapi) {
        this(clientId, clientName, clientSecretSha256, authMethods, redirectUris, postLogoutRedirectUris, scopes, idTokenAlg,
                userinfoAlg, sector, jwks, requirePkce, defaultAcrValues, jwksUri, idTokenEncryptedResponseAlg,
                idTokenEncryptedResponseEnc, userinfoEncryptedResponseAlg, userinfoEncryptedResponseEnc,
                requirePushedAuthorizationRequests, dpopBoundAccessTokens, fapi, null, null);
    }

    /** A registration without the FranceConnect+ settings. */
    public ClientProperties(String clientId, @Nullable String clientName, @Nullable String clientSecretSha256,
            @Nullable List<String> authMethods, List<String> redirectUris, @Nullable List<String> postLogoutRedirectUris,
            List<String> scopes, @Nullable String idTokenAlg, @Nullable String userinfoAlg, @Nullable String sector,
            @Nullable String jwks, @Nullable Boolean requirePkce) {
        this(clientId, clientName, clientSecretSha256, authMethods, redirectUris, postLogoutRedirectUris, scopes, idTokenAlg,
                userinfoAlg, sector, jwks, requirePkce, null, null, null, null, null, null, null, null, null, null, null);
    }
}
