package fr.ameli.idp.platform;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The service's own settings: {@code issuer} is the public base URL (OIDC issuer, base of links in mails);
 * lifetimes follow FranceConnect's (code 30 s, access and ID tokens 60 s, session 30 min).
 */
@ConfigurationProperties("idp")
public record IdpProperties(@DefaultValue("http://localhost:8080") String issuer, @DefaultValue Oidc oidc,
        @DefaultValue Subject subject) {

    public IdpProperties {
        issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    public record Oidc(@DefaultValue("30s") Duration authorizationCodeTtl, @DefaultValue("60s") Duration accessTokenTtl,
            @DefaultValue("60s") Duration idTokenTtl, @DefaultValue("30m") Duration sessionTtl,
            @DefaultValue("30m") Duration pendingAuthorizationTtl, @DefaultValue("5m") Duration rpJwksCacheTtl) {
    }

    /**
     * @param pairwiseSecret HMAC key of pairwise subjects: no default in code; a development value in {@code config/},
     *        {@code IDP_SUBJECT_PAIRWISE_SECRET} in production ({@link SecretsGuard} refuses a missing or known one)
     */
    public record Subject(@org.jspecify.annotations.Nullable String pairwiseSecret) {

        public String requiredPairwiseSecret() {
            if (pairwiseSecret == null || pairwiseSecret.isBlank()) {
                throw new IllegalStateException("idp.subject.pairwise-secret (IDP_SUBJECT_PAIRWISE_SECRET) is not set");
            }
            return pairwiseSecret;
        }

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "Subject[pairwiseSecret=" + (pairwiseSecret == null ? "unset" : "******") + "]";
        }
    }

    /** True when the issuer is served over TLS: cookies then carry the Secure flag. */
    public boolean secure() {
        return issuer.startsWith("https://");
    }
}
