package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import fr.ameli.idp.web.error.PageException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
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
        return pending(pendingId).flatMap(p -> next(p, true, session));
    }

    /** The pending request behind a login or consent page, or the French "expired" page. */
    public Mono<PendingAuthorization> pending(String pendingId) {
        return store.find(pendingId, clock.instant())
                .switchIfEmpty(Mono.error(() -> new PageException("erreur.demande_expiree", HttpStatus.BAD_REQUEST)));
    }

    Mono<URI> next(PendingAuthorization request, boolean saved, @Nullable LoginSession session) {
        Mono<AuthorizationStore.Consent> consent = session == null ? Mono.empty()
                : store.consent(session.accountId(), request.clientId());
        return consent.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()).flatMap(c -> {
            Instant now = clock.instant();
            InteractionPolicy.Interaction needed = InteractionPolicy.required(request, session, c.orElse(null), now);
            return switch (needed) {
                case LOGIN -> interaction(request, saved, "/login", OAuthError.LOGIN_REQUIRED);
                case CONSENT -> interaction(request, saved, "/consent", OAuthError.CONSENT_REQUIRED);
                case NONE -> store.issueCode(request, session, now, now.plus(properties.oidc().authorizationCodeTtl()))
                        .map(code -> UriComponentsBuilder.fromUriString(request.redirectUri())
                                .queryParam("code", code)
                                .queryParam("state", request.state())
                                .queryParam("iss", properties.issuer())
                                .encode().build().toUri());
            };
        });
    }

    /** Records the consent of the logged-in person, then continues. */
    Mono<URI> consent(PendingAuthorization request, LoginSession session) {
        return store.grant(session.accountId(), request.clientId(), request.scopes(), clock.instant())
                .then(Mono.defer(() -> next(request, true, session)));
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
