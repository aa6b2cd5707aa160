package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.session.LoginSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    /**
     * The facts under which {@link #required} answers {@code NONE} for {@code request} at {@code now}, in a form a
     * statement can test on the session and consent it reads (so that it issues the code in the same round trip):
     * the session's level is one of {@code sessionAcr}, it was opened after {@code authenticatedAfter} (null: any
     * time), and a consent covers the request's scopes (written again in Java in {@code InteractionPolicyTests}, which
     * holds it against {@link #required}). Narrower than {@link #required}, never wider: a max_age is tested a second
     * short (strictly inside it); a session at an unknown level, which satisfies only a request at an
     * unknown level, never qualifies; and a request asking for a login or a consent newer than itself
     * ({@code prompt=login}, {@code prompt=consent}) has no such form (null), since a stored session or consent cannot
     * answer it. Where these facts do not hold, {@link #required} decides as before. Instants are at the microsecond,
     * as PostgreSQL keeps them ({@code now} too: {@link AuthorizationFlow}), so that the statement and Java compare the
     * same values.
     */
    record Answerable(List<String> sessionAcr, @Nullable Instant authenticatedAfter) {

        /** No session's level qualifies: the statement issues no code, and the policy decides on what it read. */
        static final Answerable NEVER = new Answerable(List.of(), null);
    }

    static @Nullable Answerable answerable(PendingAuthorization request, Instant now) {
        if (request.prompt().contains("login") || request.prompt().contains("consent")) {
            return null;
        }
        List<String> levels = Acr.SUPPORTED.stream().filter(level -> Acr.satisfies(level, request.acr())).toList();
        return new Answerable(levels, request.maxAge() == null ? null : now.minusSeconds(request.maxAge()));
    }

    /**
     * The same for a login that just succeeded, whose pending request is read by the statement that stores the new
     * session: the facts about the request a statement can test, where the session is known beforehand. The request's
     * level is one of {@code requestAcr} (those the session satisfies); it asks for no consent newer than itself; a
     * {@code prompt=login} is answered by a session opened after the request (strictly: microseconds apart at least);
     * a max_age by a session opened strictly within it of {@code now}; and a consent covers its scopes. Narrower
     * than {@link #required} evaluated at the same {@code now}, never wider (instants at the microsecond, as above;
     * written again in Java in {@code InteractionPolicyTests}).
     */
    record AnswerableAfterLogin(List<String> requestAcr) {
    }

    static AnswerableAfterLogin answerableAfterLogin(LoginSession session) {
        return new AnswerableAfterLogin(Acr.SUPPORTED.stream().filter(level -> Acr.satisfies(session.acr(), level)).toList());
    }

    /**
     * PostgreSQL keeps microseconds (the driver rounds what it is given to them): compare instants at that precision,
     * whether read back or not.
     */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
