package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;

/** An RP registered with {@code require_pushed_authorization_requests} may only come with a request_uri (RFC 9126 §5). */
final class PushedRequestCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (client.requiresPushedRequests() && !request.pushed()) {
            throw OAuthException.invalidRequest("this client must push its authorization requests (PAR)");
        }
    }
}
