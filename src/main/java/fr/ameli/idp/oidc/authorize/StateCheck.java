package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;

/**
 * {@code state} is required (FranceConnect convention; protects the client against CSRF). Its length is bounded
 * before any check by {@link AuthorizationRequestValidator} (an over-long state is not sent back).
 */
final class StateCheck implements AuthorizationCheck {

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.state() == null) {
            throw OAuthException.invalidRequest("state is required");
        }
    }
}
