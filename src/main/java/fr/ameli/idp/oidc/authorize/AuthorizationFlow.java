package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import fr.ameli.idp.web.error.PageException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
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
    private final Clock clock;
    private final IdpProperties properties;

    AuthorizationFlow(AuthorizationStore store, Clock clock, IdpProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
    }

    /** Continues a pending request for the person of {@code session}; emits where the browser goes next. */
    public Mono<URI> resume(String pendingId, LoginSession session) {
        return store.findWithConsent(pendingId, session.accountId(), clock.instant())
                .switchIfEmpty(Mono.error(AuthorizationFlow::expired))
                .flatMap(found -> decide(found.pending(), true, session, found.consent()));
    }

    /**
     * Stores the session of a login that just succeeded and continues a pending request for its person, the session
     * stored in the statement that reads the request: emits where the browser goes next (the cookie is the caller's
     * to set, {@link LoginSessions.NewSession#cookie()}).
     */
    public Mono<URI> resume(String pendingId, LoginSessions.NewSession opening) {
        return store.findWithConsent(pendingId, opening, clock.instant())
                .switchIfEmpty(Mono.error(AuthorizationFlow::expired))
                .flatMap(found -> decide(found.pending(), true, opening.session(), found.consent()));
    }

    /** The pending request behind a login or consent page, or the French "expired" page. */
    public Mono<PendingAuthorization> pending(String pendingId) {
        return store.find(pendingId, clock.instant())
                .switchIfEmpty(Mono.error(AuthorizationFlow::expired));
    }

    /**
     * A request just validated at /authorize, from a browser with or without a session cookie ({@code sessionHash}):
     * its session and consent are read in one statement.
     */
    Mono<URI> start(PendingAuthorization request, byte @Nullable [] sessionHash) {
        if (sessionHash == null) {
            return decide(request, false, null, null);
        }
        return store.sessionAndConsent(sessionHash, request.clientId(), clock.instant())
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(found -> found.isPresent()
                        ? decide(request, false, found.get().session(), found.get().consent())
                        : decide(request, false, null, null));
    }

    Mono<URI> next(PendingAuthorization request, boolean saved, LoginSession session) {
        return store.consent(session.accountId(), request.clientId())
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(consent -> decide(request, saved, session, consent.orElse(null)));
    }

    private Mono<URI> decide(PendingAuthorization request, boolean saved, @Nullable LoginSession session,
            AuthorizationStore.@Nullable Consent consent) {
        Instant now = clock.instant();
        InteractionPolicy.Interaction needed = InteractionPolicy.required(request, session, consent, now);
        return switch (needed) {
            case LOGIN -> interaction(request, saved, "/login", OAuthError.LOGIN_REQUIRED);
            case CONSENT -> interaction(request, saved, "/consent", OAuthError.CONSENT_REQUIRED);
            case NONE -> store.issueCode(request, saved, session, now, now.plus(properties.oidc().authorizationCodeTtl()))
                    .map(code -> UriComponentsBuilder.fromUriString(request.redirectUri())
                            .queryParam("code", code)
                            .queryParam("state", request.state())
                            .queryParam("iss", properties.issuer())
                            .encode().build().toUri());
        };
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
