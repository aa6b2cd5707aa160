package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.web.error.OAuthException;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Bounded lengths (issue 10 #12): every parameter that is stored with the pending authorization (and then the
 * code), or parsed, has a maximum, generous for what relying parties send (FranceConnect's state and nonce are 64
 * hexadecimal characters). Runs first, before any check reads a value. {@code state} is bounded by the validator
 * itself: an over-long state cannot be sent back, so that error is a page. The database has the same limits
 * (V10).
 *
 * <p>Not here: {@code client_id} and {@code redirect_uri} (equal to a registered value, or a page),
 * {@code max_age} (nine digits, {@link MaxAgeCheck}), {@code response_type} and {@code response_mode} (compared to
 * constants); request objects are refused.
 */
final class ParameterLengthCheck implements AuthorizationCheck {

    static final int STATE = 512;

    /** One bounded parameter. */
    record Limit(String name, Function<AuthorizationRequest, @Nullable String> value, int max) {
    }

    static final List<Limit> LIMITS = List.of(
            new Limit("nonce", AuthorizationRequest::nonce, NonceCheck.MAX_LENGTH),
            new Limit("scope", AuthorizationRequest::scope, 1024),
            new Limit("claims", AuthorizationRequest::claims, 4096),
            new Limit("ui_locales", AuthorizationRequest::uiLocales, 256),
            new Limit("acr_values", AuthorizationRequest::acrValues, 256),
            new Limit("prompt", AuthorizationRequest::prompt, 64),
            new Limit("code_challenge", AuthorizationRequest::codeChallenge, 128),
            new Limit("login_hint", AuthorizationRequest::loginHint, 512));

    @Override
    public void check(AuthorizationRequest request, RelyingParty client) {
        for (Limit limit : LIMITS) {
            String value = limit.value().apply(request);
            if (value != null && value.length() > limit.max()) {
                throw OAuthException.invalidRequest(limit.name() + " is longer than " + limit.max() + " characters");
            }
        }
    }
}
