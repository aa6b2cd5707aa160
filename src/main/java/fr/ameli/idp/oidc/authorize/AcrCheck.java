package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.web.error.OAuthException;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code acr_values}: this provider reaches eIDAS low ({@code eidas1}) and substantial ({@code eidas2}, the emailed
 * security code in this login). The level asked is the highest supported value listed (FranceConnect sends the
 * minimum level it needs); a request that lists only other levels cannot be satisfied. Absent means the RP's
 * registered {@code default_acr_values}, else eidas1.
 */
final class AcrCheck implements AuthorizationCheck {
    static final String EIDAS1 = Acr.EIDAS1;

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.acrValues() != null && requested(request.acrValues()) == null) {
            throw OAuthException.invalidRequest("acr_values not supported: only eidas1 and eidas2");
        }
    }

    /** The level a validated request asks for. */
    static String level(AuthorizationRequest request, RelyingParty client) {
        if (request.acrValues() != null) {
            String asked = requested(request.acrValues());
            return asked == null ? EIDAS1 : asked;
        }
        String registered = client.defaultAcr();
        return registered == null ? EIDAS1 : registered;
    }

    private static @Nullable String requested(String acrValues) {
        List<String> values = Arrays.asList(SpaceDelimited.values(acrValues));
        return values.contains(Acr.EIDAS2) ? Acr.EIDAS2 : values.contains(Acr.EIDAS1) ? Acr.EIDAS1 : null;
    }
}
