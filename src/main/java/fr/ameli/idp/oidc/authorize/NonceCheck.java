package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;

/**
 * {@code nonce} is required and at least 22 characters: FranceConnect refuses a 16-character nonce and
 * accepts 22 (about 128 bits in base64), so that the ID token cannot be replayed into another login.
 */
final class NonceCheck implements AuthorizationCheck {
    static final int MIN_LENGTH = 22;
    static final int MAX_LENGTH = 512;

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.nonce() == null) {
            throw OAuthException.invalidRequest("nonce is required");
        }
        if (request.nonce().length() < MIN_LENGTH || request.nonce().length() > MAX_LENGTH) {
            throw OAuthException.invalidRequest("nonce must be 22 to 512 characters");
        }
    }
}
