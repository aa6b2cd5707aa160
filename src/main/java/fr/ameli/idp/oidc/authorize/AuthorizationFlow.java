package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.oidc.shared.AuthorizationCode;
import fr.ameli.idp.oidc.shared.AuthorizationCodes;
import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import fr.ameli.idp.web.error.PageException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * Moves a validated authorization request forward: to the login page, to the consent page, or to the
 * client with a code. Login, enrollment and federation know nothing of the protocol: once a person is
 * logged in they call {@link #resume}, which is where the request continues.
 */
@Component
public class AuthorizationFlow {

    private final AuthorizationStore store;
    private final AuthorizationCodes codes;
    private final Clock clock;
    private final IdpProperties properties;

    AuthorizationFlow(AuthorizationStore store, AuthorizationCodes codes, Clock clock, IdpProperties properties) {
        this.store = store;
        this.codes = codes;
        this.clock = clock;
        this.properties = properties;
    }

    /** Continues a pending request for the person of {@code session}; emits where the browser goes next. */
    public Mono<URI> resume(String pendingId, LoginSession session) {
        Instant now = now();
        return store.findWithConsent(pendingId, session.accountId(), now)
                .switchIfEmpty(Mono.error(AuthorizationFlow::expired))
                .flatMap(found -> decide(found.pending(), true, session, found.consent(), now));
    }

    /**
     * Stores the session of a login that just succeeded and continues a pending request for its person, the session
     * stored in the statement that reads the request, which also answers it when it is answered at once
     * ({@link InteractionPolicy#answerableAfterLogin}): emits where the browser goes next (the cookie is the caller's
     * to set, {@link LoginSessions.NewSession#cookie()}).
     */
    public Mono<URI> resume(String pendingId, LoginSessions.NewSession opening) {
        Instant now = now();
        LoginSession session = opening.session();
        return store.openAndAnswer(pendingId, opening, InteractionPolicy.answerableAfterLogin(session), now)
                .switchIfEmpty(Mono.error(AuthorizationFlow::expired))
                .flatMap(read -> answered(read.found().pending(), true, session, read.found().consent(), now, read.sid()));
    }

    /** The pending request behind a login or consent page, or the French "expired" page. */
    public Mono<PendingAuthorization> pending(String pendingId) {
        return store.find(pendingId, clock.instant())
                .switchIfEmpty(Mono.error(AuthorizationFlow::expired));
    }

    /**
     * A request just validated at /authorize, from a browser with or without a session cookie ({@code sessionHash}):
     * its session and consent are read in one statement, which also answers the request when they answer it at once
     * ({@link InteractionPolicy#answerable}): the usual SSO request costs one round trip, which writes nothing.
     */
    Mono<URI> start(PendingAuthorization request, byte @Nullable [] sessionHash) {
        Instant now = now();
        if (sessionHash == null) {
            return decide(request, false, null, null, now);
        }
        InteractionPolicy.Answerable answerable = InteractionPolicy.answerable(request, now);
        return store.sessionAndConsentAnswering(request, sessionHash,
                        answerable == null ? InteractionPolicy.Answerable.NEVER : answerable, now)
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(read -> read.isEmpty() ? decide(request, false, null, null, now)
                        : answered(request, false, read.get().found().session(), read.get().found().consent(), now,
                                read.get().sid()));
    }

    Mono<URI> next(PendingAuthorization request, boolean saved, LoginSession session) {
        return store.consent(session.accountId(), request.clientId())
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(consent -> decide(request, saved, session, consent.orElse(null), now()));
    }

    private Mono<URI> decide(PendingAuthorization request, boolean saved, @Nullable LoginSession session,
            AuthorizationStore.@Nullable Consent consent, Instant now) {
        InteractionPolicy.Interaction needed = InteractionPolicy.required(request, session, consent, now);
        return switch (needed) {
            case LOGIN -> interaction(request, saved, "/login", OAuthError.LOGIN_REQUIRED);
            case CONSENT -> interaction(request, saved, "/consent", OAuthError.CONSENT_REQUIRED);
            case NONE -> store.answer(request, saved, session).map(sid -> withCode(request, session, sid, now));
        };
    }

    /**
     * Where the browser goes after a statement that answers the request where its test holds ({@code sid} of the
     * session for the client, else null): without it, the policy decides on what was read, as before (a second
     * statement answers the request at the edge of max_age). The statement's test is narrower than the policy by
     * construction ({@code InteractionPolicyTests}, {@code CodeInOneStatementTests}); the policy is asked again all the
     * same before a code is sealed, so that a code never reaches a client where the person had to log in or consent.
     * Should that ever fail, what the statement wrote stays (after a login, the request retired and the session stored
     * as signed in to the client) and the person gets the error page.
     */
    private Mono<URI> answered(PendingAuthorization request, boolean saved, LoginSession session,
            AuthorizationStore.@Nullable Consent consent, Instant now, @Nullable String sid) {
        if (sid == null) {
            return decide(request, saved, session, consent, now);
        }
        if (InteractionPolicy.required(request, session, consent, now) != InteractionPolicy.Interaction.NONE) {
            return Mono.error(new IllegalStateException("a request was answered where the interaction policy asks for one"));
        }
        return Mono.just(withCode(request, session, sid, now));
    }

    /**
     * The instant as PostgreSQL keeps it (microseconds; the driver would round a finer one): a statement that tests
     * instants and the policy that decides on them in Java then compare the same values.
     */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The redirect back to the client with a code for {@code session}'s person (RFC 9207's iss with it). */
    private URI withCode(PendingAuthorization request, LoginSession session, String sid, Instant now) {
        String code = codes.seal(new AuthorizationCode(AuthorizationCodes.newId(), request.clientId(),
                AuthorizationCode.hashOf(request.redirectUri()), session.accountId(), String.join(" ", request.scopes()), request.nonce(),
                request.codeChallenge(), session.authTime(), session.acr(), session.amr(), request.amrRequested(), now,
                now.plus(properties.oidc().authorizationCodeTtl()), sid));
        return CodeRedirect.of(request.redirectUri(), code, request.state(), properties.issuer());
    }

    /** Records the consent of the logged-in person, then continues. */
    Mono<URI> consent(PendingAuthorization request, LoginSession session) {
        return store.grant(session.accountId(), request.clientId(), request.scopes(), clock.instant())
                .then(Mono.defer(() -> next(request, true, session)));
    }

    private static PageException expired() {
        return new PageException("erreur.demande_expiree", HttpStatus.BAD_REQUEST);
    }

    private Mono<URI> interaction(PendingAuthorization request, boolean saved, String page, OAuthError ifNone) {
        if (request.prompt().contains("none")) {
            return Mono.error(new OAuthException(ifNone, "user interaction required")
                    .redirectTo(request.redirectUri(), request.state()));
        }
        URI target = UriComponentsBuilder.fromPath(page).queryParam("auth", request.id()).build().toUri();
        return saved ? Mono.just(target) : store.save(request).thenReturn(target);
    }
}
