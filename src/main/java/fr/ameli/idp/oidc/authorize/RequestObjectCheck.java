package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;

/** Request objects are not offered (discovery says so): refuse rather than silently ignore them. */
final class RequestObjectCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.hasRequestObject()) {
            throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "request and request_uri are not supported");
        }
    }
}
