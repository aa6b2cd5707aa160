package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;
import java.util.Set;

/** {@code prompt}: login, consent, none; {@code none} may not be combined (OIDC Core 3.1.2.1). */
final class PromptCheck implements AuthorizationCheck {
    private static final Set<String> KNOWN = Set.of("login", "consent", "none");

    static Set<String> parse(String prompt) {
        return prompt == null ? Set.of() : Set.of(SpaceDelimited.values(prompt));
    }

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        if (request.prompt() == null) {
            return;
        }
        Set<String> values;
        try {
            values = parse(request.prompt());
        } catch (IllegalArgumentException duplicate) {
            throw OAuthException.invalidRequest("prompt values repeated");
        }
        if (!KNOWN.containsAll(values)) {
            throw OAuthException.invalidRequest("prompt value not supported");
        }
        if (values.contains("none") && values.size() > 1) {
            throw OAuthException.invalidRequest("prompt=none cannot be combined");
        }
    }
}
