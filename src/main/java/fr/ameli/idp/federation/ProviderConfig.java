package fr.ameli.idp.federation;

import com.nimbusds.jose.JWSAlgorithm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One provider registration, validated when built (a wrong setting fails start-up, not a login).
 * Immutable: {@link FederationSettings} swaps the whole value, and the client's caches follow it.
 */
record ProviderConfig(
        String issuer,
        String clientId,
        String clientSecret,
        List<String> scopes,
        List<String> acrValues,
        TokenAuth tokenAuth,
        JWSAlgorithm idTokenAlg,
        UserinfoFormat userinfoFormat,
        JWSAlgorithm userinfoAlg,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration clockSkew,
        Duration metadataCacheTtl) {

    enum TokenAuth { CLIENT_SECRET_POST, CLIENT_SECRET_BASIC }

    enum UserinfoFormat { JWT, JSON }

    ProviderConfig {
        issuer = issuer.trim();
        if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
            throw new IllegalArgumentException("idp.federation.issuer-uri must be an http(s) URL");
        }
        if (clientId.isBlank() || clientSecret.isBlank()) {
            throw new IllegalArgumentException("idp.federation.client-id and client-secret are required with issuer-uri");
        }
        scopes = List.copyOf(scopes);
        acrValues = List.copyOf(acrValues);
        if (!scopes.contains("openid")) {
            throw new IllegalArgumentException("idp.federation.scopes must contain openid");
        }
        checkAlgorithm(idTokenAlg, clientSecret, "id-token-alg");
        checkAlgorithm(userinfoAlg, clientSecret, "userinfo-alg");
    }

    static ProviderConfig of(FederationProperties p) {
        JWSAlgorithm idAlg = JWSAlgorithm.parse(p.idTokenAlg().trim().toUpperCase(Locale.ROOT));
        return new ProviderConfig(p.issuerUri(), nullToEmpty(p.clientId()), nullToEmpty(p.clientSecret()),
                words(p.scopes()), words(p.acrValues()),
                TokenAuth.valueOf(p.tokenEndpointAuthMethod().trim().toUpperCase(Locale.ROOT)), idAlg,
                UserinfoFormat.valueOf(p.userinfoFormat().trim().toUpperCase(Locale.ROOT)),
                p.userinfoAlg().isBlank() ? idAlg : JWSAlgorithm.parse(p.userinfoAlg().trim().toUpperCase(Locale.ROOT)),
                p.connectTimeout(), p.responseTimeout(), p.clockSkew(), p.metadataCacheTtl());
    }

    /** The issuer without a trailing slash, to build the discovery URL. */
    String issuerBase() {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    /** The level the ID token's {@code acr} must reach: the first requested value, or none. */
    String requiredAcr() {
        return acrValues.isEmpty() ? "" : acrValues.get(0);
    }

    ProviderConfig withIssuer(String newIssuer) {
        return new ProviderConfig(newIssuer, clientId, clientSecret, scopes, acrValues, tokenAuth, idTokenAlg,
                userinfoFormat, userinfoAlg, connectTimeout, responseTimeout, clockSkew, metadataCacheTtl);
    }

    ProviderConfig withAlgorithms(JWSAlgorithm idToken, UserinfoFormat format, JWSAlgorithm userinfo) {
        return new ProviderConfig(issuer, clientId, clientSecret, scopes, acrValues, tokenAuth, idToken, format, userinfo,
                connectTimeout, responseTimeout, clockSkew, metadataCacheTtl);
    }

    ProviderConfig withTokenAuth(TokenAuth auth) {
        return new ProviderConfig(issuer, clientId, clientSecret, scopes, acrValues, auth, idTokenAlg, userinfoFormat,
                userinfoAlg, connectTimeout, responseTimeout, clockSkew, metadataCacheTtl);
    }

    ProviderConfig withAcrValues(List<String> acr) {
        return new ProviderConfig(issuer, clientId, clientSecret, scopes, acr, tokenAuth, idTokenAlg, userinfoFormat,
                userinfoAlg, connectTimeout, responseTimeout, clockSkew, metadataCacheTtl);
    }

    ProviderConfig withTimeouts(Duration connect, Duration response) {
        return new ProviderConfig(issuer, clientId, clientSecret, scopes, acrValues, tokenAuth, idTokenAlg,
                userinfoFormat, userinfoAlg, connect, response, clockSkew, metadataCacheTtl);
    }

    /** The secret is a credential: never printed. */
    @Override
    public String toString() {
        return "ProviderConfig[" + issuer + ", client=" + clientId + ", " + idTokenAlg + ", userinfo=" + userinfoFormat + "]";
    }

    /**
     * Asymmetric signatures only (never {@code none}); HMAC only as FranceConnect v1's legacy mode, keyed with
     * the client secret, which must then be at least 256 bits (RFC 7518 §3.2).
     */
    private static void checkAlgorithm(JWSAlgorithm alg, String secret, String property) {
        boolean asymmetric = JWSAlgorithm.Family.EC.contains(alg) || JWSAlgorithm.Family.RSA.contains(alg)
                || JWSAlgorithm.Family.ED.contains(alg);
        boolean legacy = JWSAlgorithm.HS256.equals(alg);
        if (!asymmetric && !legacy) {
            throw new IllegalArgumentException("idp.federation." + property + " must be an asymmetric JWS algorithm or HS256");
        }
        if (legacy && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("HS256 (legacy) needs a client secret of at least 32 bytes");
        }
    }

    private static List<String> words(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
