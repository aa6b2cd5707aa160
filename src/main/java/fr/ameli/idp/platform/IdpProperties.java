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

    public record Subject(@DefaultValue("dev-only-pairwise-secret-change-me-in-production-0123456789") String pairwiseSecret) {
    }

    /** True when the issuer is served over TLS: cookies then carry the Secure flag. */
    public boolean secure() {
        return issuer.startsWith("https://");
    }
}
