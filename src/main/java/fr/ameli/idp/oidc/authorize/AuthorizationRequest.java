package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.oidc.shared.Params;
import org.jspecify.annotations.Nullable;

/** The raw, untrusted parameters of an authorization request (OIDC Core 3.1.2.1), as converted from HTTP. */
record AuthorizationRequest(
        @Nullable String responseType,
        @Nullable String clientId,
        @Nullable String redirectUri,
        @Nullable String scope,
        @Nullable String state,
        @Nullable String nonce,
        @Nullable String codeChallenge,
        @Nullable String codeChallengeMethod,
        @Nullable String acrValues,
        @Nullable String prompt,
        @Nullable String maxAge,
        @Nullable String claims,
        @Nullable String uiLocales,
        @Nullable String responseMode,
        @Nullable String loginHint,
        boolean hasRequestObject,
        boolean pushed) {

    static AuthorizationRequest from(Params p) {
        return from(p, false);
    }

    /** {@code pushed}: the parameters come from a pushed authorization request (RFC 9126), read back by its request_uri. */
    static AuthorizationRequest from(Params p, boolean pushed) {
        return new AuthorizationRequest(p.get("response_type"), p.get("client_id"), p.get("redirect_uri"), p.get("scope"),
                p.get("state"), p.get("nonce"), p.get("code_challenge"), p.get("code_challenge_method"),
                p.get("acr_values"), p.get("prompt"), p.get("max_age"), p.get("claims"), p.get("ui_locales"),
                p.get("response_mode"), p.get("login_hint"), p.get("request") != null || p.get("request_uri") != null, pushed);
    }
}
