package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;

/**
 * One rule of the authorization endpoint. Runs only after the client and its redirect URI are known
 * to be valid, so its {@code OAuthException} is sent back to the client (OIDC Core 3.1.2.6).
 */
interface AuthorizationCheck {
    void check(AuthorizationRequest request, RelyingParty client);
}
