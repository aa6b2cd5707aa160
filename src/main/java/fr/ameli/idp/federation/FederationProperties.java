package fr.ameli.idp.federation;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code idp.federation.*}: the external provider this service is a client of. Leaving
 * {@code issuer-uri} unset switches the feature off (the FranceConnect buttons then lead to a
 * « service indisponible » page); the embedded default points it at the development provider.
 *
 * <p>Registered at the provider: redirect URI {@code {idp.issuer}/federation/callback}, post-logout
 * redirect URI {@code {idp.issuer}/federation/logout-callback}.
 *
 * @param issuerUri the provider's issuer; discovery is read from {@code {issuer-uri}/.well-known/openid-configuration}
 * @param scopes space-separated scopes requested
 * @param acrValues space-separated {@code acr_values}; the ID token's {@code acr} must reach the first one
 * @param tokenEndpointAuthMethod {@code client_secret_post} (FranceConnect's default) or {@code client_secret_basic}
 * @param idTokenAlg the algorithm the client is registered with for ID tokens: an asymmetric one (ES256,
 *        RS256…), or HS256 as FranceConnect v1's legacy mode keyed with the client secret
 * @param userinfoFormat {@code jwt} (signed, {@code application/jwt}) or {@code json}, as registered
 * @param userinfoAlg the algorithm of signed userinfo; empty: the ID token's
 * @param clockSkew tolerance on {@code exp} and {@code iat}
 * @param metadataCacheTtl how long the discovery document and the JWKS are kept (the JWKS is also re-read
 *        at once when a token names an unknown key)
 * @param requestTtl how long a redirect to the provider (state, nonce, PKCE verifier) stays usable
 * @param linkPasswordAttempts wrong passwords allowed when confirming an existing account
 */
@ConfigurationProperties("idp.federation")
record FederationProperties(
        @Nullable String issuerUri,
        @Nullable String clientId,
        @Nullable String clientSecret,
        @DefaultValue("openid given_name family_name birthdate gender birthplace birthcountry email") String scopes,
        @DefaultValue("eidas1") String acrValues,
        @DefaultValue("client_secret_post") String tokenEndpointAuthMethod,
        @DefaultValue("ES256") String idTokenAlg,
        @DefaultValue("jwt") String userinfoFormat,
        @DefaultValue("") String userinfoAlg,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("5s") Duration responseTimeout,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("1h") Duration metadataCacheTtl,
        @DefaultValue("10m") Duration requestTtl,
        @DefaultValue("5") int linkPasswordAttempts) {

    boolean configured() {
        return issuerUri != null && !issuerUri.isBlank();
    }
}
