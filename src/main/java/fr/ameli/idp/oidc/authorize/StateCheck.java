package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;

/** {@code state} is required (FranceConnect convention; protects the client against CSRF). */
final class StateCheck implements AuthorizationCheck {
    static final int MAX_LENGTH = 512;

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.state() == null) {
            throw OAuthException.invalidRequest("state is required");
        }
        if (request.state().length() > MAX_LENGTH) {
            throw OAuthException.invalidRequest("state is too long");
        }
    }
}
