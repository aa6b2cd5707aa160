package fr.ameli.idp.client;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.platform.Secrets;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * A registered relying party, immutable; every rule on redirect URIs and algorithms is checked when it is built.
 *
 * <p>This record is the single source of truth for a client's registration. Spring Authorization Server's model
 * ({@code RegisteredClient}, {@code ClientSettings}, {@code TokenSettings}) is not used for it: its server runs on
 * servlets only, and its objects would hold values that this provider takes from elsewhere (code and token
 * lifetimes from {@code idp.oidc.*}, consent from the interaction policy, which asks every client's users) next
 * to copies of what is here. What FranceConnect conventions add (the pairwise sector, the userinfo signing
 * choice, inline JWKS) has no place in that model anyway.
 */
public record RelyingParty(String clientId, String name, Set<ClientAuthenticationMethod> authMethods,
        List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> scopes, boolean requiresPkce,
        String sector, @Nullable JWSAlgorithm userinfoAlg, JWSAlgorithm idTokenAlg, @Nullable JWKSet jwks,
        byte @Nullable [] secretSha256, @Nullable String defaultAcr, @Nullable URI jwksUri,
        @Nullable Encryption idTokenEncryption, @Nullable Encryption userinfoEncryption,
        boolean requiresPushedRequests, boolean requiresDpop, boolean fapi, @Nullable URI backchannelLogoutUri,
        boolean backchannelLogoutSessionRequired) {

    /** The longest a code of a FAPI profile RP lives, whatever {@code idp.oidc.authorization-code-ttl} says. */
    public static final java.time.Duration FAPI_CODE_TTL = java.time.Duration.ofSeconds(60);

    public static final Set<String> SUPPORTED_SCOPES = Set.of("openid", "profile", "email", "birth", "identite_pivot",
            "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry", "preferred_username");
    private static final Set<JWSAlgorithm> SIGNING_ALGS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    public RelyingParty {
        authMethods = Set.copyOf(authMethods);
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        scopes = Set.copyOf(scopes);
    }

    public boolean allows(ClientAuthenticationMethod method) {
        return authMethods.contains(method);
    }

    /** Exact string comparison (OAuth 2.0 Security BCP §4.1.3): no prefix, case or query-order leniency. */
    public boolean hasRedirectUri(String uri) {
        return redirectUris.contains(uri);
    }

    public boolean hasPostLogoutRedirectUri(String uri) {
        return postLogoutRedirectUris.contains(uri);
    }

    /** Constant-time comparison of a presented secret with the stored SHA-256. */
    public boolean secretMatches(String presented) {
        return secretSha256 != null && MessageDigest.isEqual(secretSha256, Secrets.sha256(presented));
    }


    /** Builds and validates a registration; IllegalArgumentException names the offending setting. */
    public static RelyingParty from(ClientProperties p) {
        require(p.clientId() != null && p.clientId().matches("[A-Za-z0-9._:-]{1,128}"), "client_id");
        List<String> methods = p.authMethods() == null || p.authMethods().isEmpty()
                ? List.of("client_secret_basic") : p.authMethods();
        // "none" next to a secret method would let a client skip both the secret and PKCE: one or the other.
        require(!methods.contains("none") || methods.size() == 1, "auth-methods (none cannot be mixed with other methods)");
        boolean publicClient = methods.equals(List.of("none"));
        // RFC 9700 §2.1.1: PKCE for every client, unless registered otherwise for a legacy confidential client.
        boolean requirePkce = !Boolean.FALSE.equals(p.requirePkce());
        require(requirePkce || !publicClient, "require-pkce (a public client always uses PKCE)");
        byte[] secret = null;
        if (p.clientSecretSha256() != null && !p.clientSecretSha256().isBlank()) {
            secret = HexFormat.of().parseHex(p.clientSecretSha256().trim());
            require(secret.length == 32, "client-secret-sha256 (64 hex characters)");
        }
        // A public client with a secret on file is a secret method mixed with none under another name: refused too.
        require(!publicClient || secret == null, "client-secret-sha256 (a client registered with none has no secret)");
        boolean needsSecret = methods.contains("client_secret_basic") || methods.contains("client_secret_post");
        require(!needsSecret || secret != null, "client-secret-sha256 (required by client_secret_* methods)");
        JWKSet jwks = null;
        if (methods.contains("private_key_jwt")) {
            require(p.jwks() != null, "jwks (required by private_key_jwt)");
        }
        if (p.jwks() != null && !p.jwks().isBlank()) {
            try {
                jwks = JWKSet.parse(p.jwks());
            } catch (java.text.ParseException e) {
                throw new IllegalArgumentException("jwks: not a JWK set");
            }
            require(jwks.getKeys().stream().noneMatch(k -> k.isPrivate()), "jwks (public keys only)");
        }
        require(p.redirectUris() != null && !p.redirectUris().isEmpty(), "redirect-uris");
        p.redirectUris().forEach(RelyingParty::checkRedirectUri);
        List<String> logoutUris = p.postLogoutRedirectUris() == null ? List.of() : p.postLogoutRedirectUris();
        logoutUris.forEach(RelyingParty::checkRedirectUri);
        require(p.scopes() != null && p.scopes().contains("openid") && SUPPORTED_SCOPES.containsAll(p.scopes()),
                "scopes (openid required; supported: " + SUPPORTED_SCOPES + ")");
        JWSAlgorithm idAlg = alg(p.idTokenAlg() == null ? "ES256" : p.idTokenAlg(), "id-token-alg");
        JWSAlgorithm userinfoAlg = p.userinfoAlg() == null || p.userinfoAlg().isBlank() ? null
                : alg(p.userinfoAlg(), "userinfo-alg");
        URI jwksUri = null;
        if (p.jwksUri() != null && !p.jwksUri().isBlank()) {
            checkRedirectUri(p.jwksUri());
            jwksUri = URI.create(p.jwksUri());
        }
        Encryption idTokenEncryption = Encryption.of(p.idTokenEncryptedResponseAlg(), p.idTokenEncryptedResponseEnc(),
                "id_token_encrypted_response");
        Encryption userinfoEncryption = Encryption.of(p.userinfoEncryptedResponseAlg(), p.userinfoEncryptedResponseEnc(),
                "userinfo_encrypted_response");
        require((idTokenEncryption == null && userinfoEncryption == null) || jwks != null || jwksUri != null,
                "jwks or jwks_uri (required by encryption)");
        if (userinfoEncryption != null && userinfoAlg == null) {
            userinfoAlg = JWSAlgorithm.ES256; // encrypted userinfo is a nested JWT: signed, then encrypted
        }
        List<String> acrs = p.defaultAcrValues() == null ? List.of() : p.defaultAcrValues();
        require(Acr.SUPPORTED.containsAll(acrs), "default_acr_values (eidas1 or eidas2)");
        String defaultAcr = acrs.contains(Acr.EIDAS2) ? Acr.EIDAS2 : acrs.isEmpty() ? null : Acr.EIDAS1;
        boolean fapi = Boolean.TRUE.equals(p.fapi());
        if (fapi) {
            // FAPI 2.0-style: private_key_jwt only, ES256 only; PAR, PKCE and DPoP are then required below.
            require(methods.equals(List.of("private_key_jwt")), "fapi (auth-methods: private_key_jwt only)");
            require(idAlg.equals(JWSAlgorithm.ES256) && (userinfoAlg == null || userinfoAlg.equals(JWSAlgorithm.ES256)),
                    "fapi (ES256 only)");
        }
        String sector = p.sector() == null || p.sector().isBlank() ? defaultSector(p.redirectUris()) : p.sector();
        URI backchannelLogoutUri = null;
        if (p.backchannelLogoutUri() != null && !p.backchannelLogoutUri().isBlank()) {
            checkRedirectUri(p.backchannelLogoutUri()); // Back-Channel Logout 1.0 §2.2: absolute, no fragment
            backchannelLogoutUri = URI.create(p.backchannelLogoutUri());
        }
        boolean sessionRequired = Boolean.TRUE.equals(p.backchannelLogoutSessionRequired());
        require(!sessionRequired || backchannelLogoutUri != null,
                "backchannel_logout_session_required (without backchannel_logout_uri)");

        return new RelyingParty(p.clientId(), p.clientName() == null ? p.clientId() : p.clientName(),
                methods.stream().map(RelyingParty::method).collect(Collectors.toSet()), p.redirectUris(), logoutUris,
                Set.copyOf(p.scopes()), requirePkce || fapi, sector,
                userinfoAlg, idAlg, jwks, secret, defaultAcr, jwksUri, idTokenEncryption, userinfoEncryption,
                fapi || Boolean.TRUE.equals(p.requirePushedAuthorizationRequests()),
                fapi || Boolean.TRUE.equals(p.dpopBoundAccessTokens()), fapi, backchannelLogoutUri, sessionRequired);
    }

    private static ClientAuthenticationMethod method(String name) {
        return switch (name) {
            case "client_secret_basic" -> ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
            case "client_secret_post" -> ClientAuthenticationMethod.CLIENT_SECRET_POST;
            case "private_key_jwt" -> ClientAuthenticationMethod.PRIVATE_KEY_JWT;
            case "none" -> ClientAuthenticationMethod.NONE;
            default -> throw new IllegalArgumentException("auth-methods: unsupported " + name);
        };
    }

    private static JWSAlgorithm alg(String name, String setting) {
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        require(SIGNING_ALGS.contains(alg), setting + " (ES256 or RS256)");
        return alg;
    }

    /** Absolute, no fragment (OAuth 2.0 §3.1.2); http only for localhost, as a development convenience. */
    private static void checkRedirectUri(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redirect URI is not a URI");
        }
        require(parsed.isAbsolute() && parsed.getFragment() == null && parsed.getHost() != null,
                "redirect URI (absolute, without fragment)");
        require("https".equals(parsed.getScheme())
                || ("http".equals(parsed.getScheme()) && isLocal(parsed.getHost())), "redirect URI (https)");
    }

    private static boolean isLocal(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    private static String defaultSector(List<String> redirectUris) {
        return URI.create(redirectUris.get(0)).getHost();
    }

    private static void require(boolean condition, String setting) {
        if (!condition) {
            throw new IllegalArgumentException("invalid client setting: " + setting);
        }
    }

    @Override
    public String toString() {
        return "RelyingParty[" + clientId() + "]";
    }
}
