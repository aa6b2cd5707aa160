package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.session.LoginSession;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a person must still do before a code is issued (NOP's interaction policy): the first missing
 * prompt wins. A login is missing when there is no session, when the session's eIDAS level is below the one
 * asked (an eidas1 session never answers an eidas2 request: the person logs in again, with the code), when {@code prompt=login} asks for a login
 * newer than the request, or when it is older than {@code max_age}. Consent is missing when none covers
 * the requested scopes, or when {@code prompt=consent} asks for one given after the request.
 */
final class InteractionPolicy {

    enum Interaction { LOGIN, CONSENT, NONE }

    private InteractionPolicy() {
    }

    static Interaction required(PendingAuthorization request, @Nullable LoginSession session,
            AuthorizationStore.@Nullable Consent consent, Instant now) {
        if (session == null
                || !Acr.satisfies(session.acr(), request.acr())
                || (request.prompt().contains("login") && micros(session.authTime()).isBefore(micros(request.createdAt())))
                || (request.maxAge() != null
                        && Duration.between(session.authTime(), now).getSeconds() > request.maxAge())) {
            return Interaction.LOGIN;
        }
        if (consent == null || !consent.scopes().containsAll(request.scopes())
                || (request.prompt().contains("consent") && micros(consent.grantedAt()).isBefore(micros(request.createdAt())))) {
            return Interaction.CONSENT;
        }
        return Interaction.NONE;
    }

    /** PostgreSQL keeps microseconds: compare instants at that precision, whether read back or not. */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
