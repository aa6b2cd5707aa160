package fr.ameli.idp.federation;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.platform.Secrets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The claims of the provider's ID token and signed userinfo, checked after the signature
 * ({@link JwtVerifier}) with the service's clock. The ID token checks are numbered after OIDC Core
 * §3.1.3.7, as in Spring Security's {@code OidcIdTokenValidator}; FranceConnect adds that {@code acr} must
 * reach the requested level (eidas1 &lt; eidas2 &lt; eidas3, FRANCECONNECT.md B.5).
 */
final class IdTokenValidator {

    /** FranceConnect's levels, lowest first. */
    private static final List<String> EIDAS = List.of("eidas1", "eidas2", "eidas3");

    private IdTokenValidator() {
    }

    /** Checks an ID token's claims; returns its {@code sub}. */
    static String validate(JWTClaimsSet claims, ProviderConfig config, ProviderMetadata provider, byte[] nonceHash,
            Instant now) {
        // 2. iss: exactly the issuer of the discovery document.
        if (!provider.issuer().equals(claims.getIssuer())) {
            throw ProviderFailure.of(ProviderFailure.Reason.WRONG_ISSUER, "id_token");
        }
        // 3.–5. aud contains our client id; with several audiences, azp must be present; azp, if any, is us.
        checkAudience(claims, config, "id_token");
        String azp = string(claims, "azp");
        if ((claims.getAudience().size() > 1 && azp == null) || (azp != null && !azp.equals(config.clientId()))) {
            throw ProviderFailure.of(ProviderFailure.Reason.WRONG_AUDIENCE, "azp");
        }
        // 9. exp: still valid, within the allowed skew.
        Date exp = claims.getExpirationTime();
        if (exp == null || !exp.toInstant().plus(config.clockSkew()).isAfter(now)) {
            throw ProviderFailure.of(ProviderFailure.Reason.EXPIRED, "id_token");
        }
        // 10. iat: present, and not in the future (beyond the skew).
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(config.clockSkew()))) {
            throw ProviderFailure.of(ProviderFailure.Reason.BAD_ISSUE_TIME, "id_token");
        }
        // 11. nonce: the one this browser's request sent (only its hash is stored), compared in constant time.
        String nonce = string(claims, "nonce");
        if (nonce == null || !MessageDigest.isEqual(Secrets.sha256(nonce), nonceHash)) {
            throw ProviderFailure.of(ProviderFailure.Reason.WRONG_NONCE);
        }
        // 12. acr: at least the requested level.
        if (!acrReaches(string(claims, "acr"), config.requiredAcr())) {
            throw ProviderFailure.of(ProviderFailure.Reason.ACR_TOO_LOW);
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            throw ProviderFailure.of(ProviderFailure.Reason.MISSING_SUBJECT, "id_token");
        }
        return sub;
    }

    /** A signed userinfo answer (FRANCECONNECT.md A: claims plus iss, aud, iat, exp): issuer, audience, expiry. */
    static void validateUserinfo(JWTClaimsSet claims, ProviderConfig config, ProviderMetadata provider, Instant now) {
        if (!provider.issuer().equals(claims.getIssuer())) {
            throw ProviderFailure.of(ProviderFailure.Reason.WRONG_ISSUER, "userinfo");
        }
        checkAudience(claims, config, "userinfo");
        Date exp = claims.getExpirationTime();
        if (exp != null && !exp.toInstant().plus(config.clockSkew()).isAfter(now)) {
            throw ProviderFailure.of(ProviderFailure.Reason.EXPIRED, "userinfo");
        }
    }

    /** eidas levels compare by rank; any other value must equal the requested one; nothing requested: anything. */
    static boolean acrReaches(@Nullable String acr, String required) {
        if (required.isEmpty()) {
            return true;
        }
        if (acr == null) {
            return false;
        }
        int have = EIDAS.indexOf(acr);
        int need = EIDAS.indexOf(required);
        return need < 0 ? required.equals(acr) : have >= need;
    }

    private static void checkAudience(JWTClaimsSet claims, ProviderConfig config, String what) {
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.clientId())) {
            throw ProviderFailure.of(ProviderFailure.Reason.WRONG_AUDIENCE, what);
        }
    }

    private static @Nullable String string(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, name);
        }
    }
}
