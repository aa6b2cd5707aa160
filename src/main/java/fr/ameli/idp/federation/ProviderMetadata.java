package fr.ameli.idp.federation;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What this client uses of the provider's discovery document (OIDC Discovery 1.0 §3). The document must
 * name the configured issuer (§4.3: "MUST be identical"; a trailing slash is tolerated), and carry the
 * authorization, token, userinfo and JWKS endpoints as absolute http(s) URLs. {@code end_session_endpoint}
 * is optional: without it, logging out stays local.
 */
record ProviderMetadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI userinfoEndpoint, URI jwksUri,
        @Nullable URI endSessionEndpoint) {

    static ProviderMetadata parse(String json, ProviderConfig config) {
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "discovery");
        }
        String issuer = string(doc, "issuer");
        if (issuer == null || !trim(issuer).equals(trim(config.issuer()))) {
            throw ProviderFailure.of(ProviderFailure.Reason.INVALID_METADATA, "issuer");
        }
        String endSession = string(doc, "end_session_endpoint");
        return new ProviderMetadata(issuer, endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"),
                endpoint(doc, "userinfo_endpoint"), endpoint(doc, "jwks_uri"),
                endSession == null ? null : endpoint(doc, "end_session_endpoint"));
    }

    private static URI endpoint(Map<String, Object> doc, String name) {
        String value = string(doc, name);
        if (value == null) {
            throw ProviderFailure.of(ProviderFailure.Reason.INVALID_METADATA, name);
        }
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute() || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw ProviderFailure.of(ProviderFailure.Reason.INVALID_METADATA, name);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw ProviderFailure.of(ProviderFailure.Reason.INVALID_METADATA, name);
        }
    }

    private static @Nullable String string(Map<String, Object> doc, String name) {
        Object value = doc.get(name);
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    private static String trim(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
