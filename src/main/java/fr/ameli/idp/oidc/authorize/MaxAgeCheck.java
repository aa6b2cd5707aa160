package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;

/** {@code max_age}: a non-negative number of seconds; a login older than that must be redone. */
final class MaxAgeCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.maxAge() != null && !request.maxAge().matches("[0-9]{1,9}")) {
            throw OAuthException.invalidRequest("max_age must be a non-negative integer");
        }
    }
}
