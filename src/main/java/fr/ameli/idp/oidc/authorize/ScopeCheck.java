package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import java.util.Arrays;

/** {@code scope} must contain {@code openid} (OIDC Core 3.1.2.1) and only scopes the client is registered for. */
final class ScopeCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.scope() == null) {
            throw OAuthException.invalidRequest("scope is required");
        }
        var scopes = Arrays.asList(SpaceDelimited.values(request.scope()));
        if (!scopes.contains("openid")) {
            throw new OAuthException(OAuthError.INVALID_SCOPE, "scope must contain openid");
        }
        if (!client.scopes().containsAll(scopes)) {
            throw new OAuthException(OAuthError.INVALID_SCOPE, "scope not allowed for this client");
        }
    }
}
