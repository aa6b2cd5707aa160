package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;

/** Authorization code flow only (FranceConnect): {@code response_type=code}, answered in the query. */
final class ResponseTypeCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.responseType() == null) {
            throw OAuthException.invalidRequest("response_type is required");
        }
        if (!"code".equals(request.responseType())) {
            throw new OAuthException(OAuthError.UNSUPPORTED_RESPONSE_TYPE, "only response_type=code is supported");
        }
        if (request.responseMode() != null && !"query".equals(request.responseMode())) {
            throw OAuthException.invalidRequest("only response_mode=query is supported");
        }
    }
}
