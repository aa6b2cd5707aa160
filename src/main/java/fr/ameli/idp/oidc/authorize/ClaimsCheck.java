package fr.ameli.idp.oidc.authorize;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;
import java.text.ParseException;
import java.util.Map;

/**
 * {@code claims} (OIDC Core 5.5) must be a JSON object; the one request honoured is {@code amr} in the
 * ID token (FranceConnect: {@code {"id_token":{"amr":{"essential":true}}}}); other members are ignored.
 */
final class ClaimsCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.claims() != null) {
            amrRequested(request.claims());
        }
    }

    static boolean amrRequested(String claims) {
        try {
            Map<String, Object> parsed = JSONObjectUtils.parse(claims);
            Object idToken = parsed.get("id_token");
            return idToken instanceof Map<?, ?> m && m.containsKey("amr");
        } catch (ParseException e) {
            throw OAuthException.invalidRequest("claims is not a JSON object");
        }
    }
}
