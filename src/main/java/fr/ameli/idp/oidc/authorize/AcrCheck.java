package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;
import java.util.Arrays;

/**
 * {@code acr_values}: this provider reaches eIDAS low ({@code eidas1}); a request that lists only higher
 * levels cannot be satisfied. Absent means eidas1.
 */
final class AcrCheck implements AuthorizationCheck {
    static final String EIDAS1 = "eidas1";

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.acrValues() != null && Arrays.stream(request.acrValues().trim().split(" +")).noneMatch(EIDAS1::equals)) {
            throw OAuthException.invalidRequest("acr_values not supported: only eidas1");
        }
    }
}
