package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.Pkce;
import fr.ameli.idp.web.error.OAuthException;

/** PKCE (RFC 7636): S256 only; accepted from any client, required from public ones and those registered so. */
final class PkceCheck implements AuthorizationCheck {
    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        String challenge = request.codeChallenge();
        if (challenge == null) {
            if (request.codeChallengeMethod() != null) {
                throw OAuthException.invalidRequest("code_challenge_method without code_challenge");
            }
            if (client.requiresPkce()) {
                throw OAuthException.invalidRequest("code_challenge is required for this client");
            }
            return;
        }
        if (!"S256".equals(request.codeChallengeMethod())) {
            throw OAuthException.invalidRequest("code_challenge_method must be S256");
        }
        if (!Pkce.validChallenge(challenge)) {
            throw OAuthException.invalidRequest("code_challenge is malformed");
        }
    }
}
