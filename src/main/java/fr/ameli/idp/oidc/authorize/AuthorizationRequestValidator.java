package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.error.OAuthException;
import fr.ameli.idp.web.error.PageException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Checks an authorization request in a safe order: first the client and its exact redirect URI, whose
 * failures are shown as a French page (never a redirect to an unverified URI); then every other rule,
 * whose failures go back to the client with its {@code state} and our {@code iss} (RFC 9207).
 */
@Component
class AuthorizationRequestValidator {

    private static final List<AuthorizationCheck> CHECKS = List.of(
            new ParameterLengthCheck(), new RequestObjectCheck(), new PushedRequestCheck(), new ResponseTypeCheck(), new ScopeCheck(), new StateCheck(), new NonceCheck(),
            new AcrCheck(), new PkceCheck(), new PromptCheck(), new MaxAgeCheck(), new ClaimsCheck());

    private final RelyingParties clients;
    private final Clock clock;
    private final IdpProperties properties;

    AuthorizationRequestValidator(RelyingParties clients, Clock clock, IdpProperties properties) {
        this.clients = clients;
        this.clock = clock;
        this.properties = properties;
    }

    Mono<PendingAuthorization> validate(AuthorizationRequest request) {
        if (request.clientId() == null) {
            return Mono.error(new PageException("erreur.client_id", HttpStatus.BAD_REQUEST));
        }
        return clients.find(request.clientId())
                .switchIfEmpty(Mono.error(() -> new PageException("erreur.client_id", HttpStatus.BAD_REQUEST)))
                .map(client -> checked(request, client));
    }

    private PendingAuthorization checked(AuthorizationRequest request, RelyingParty client) {
        // Exact string match (RFC 9700 §4.1.3): no pattern, no normalisation.
        if (request.redirectUri() == null || !client.hasRedirectUri(request.redirectUri())) {
            throw new PageException("erreur.redirect_uri", HttpStatus.BAD_REQUEST);
        }
        if (request.state() != null && request.state().length() > ParameterLengthCheck.STATE) {
            // Sent back, it would put an unbounded value in the Location header: a page (400) rather than a redirect.
            throw OAuthException.invalidRequest("state is longer than " + ParameterLengthCheck.STATE + " characters");
        }
        try {
            CHECKS.forEach(check -> check.check(request, client));
        } catch (OAuthException e) {
            throw e.redirectTo(request.redirectUri(), request.state());
        }
        Instant now = clock.instant();
        return new PendingAuthorization(
                Secrets.newHandle(),
                client.clientId(),
                request.redirectUri(),
                new LinkedHashSet<>(Arrays.asList(SpaceDelimited.values(request.scope()))),
                request.state(),
                request.nonce(),
                request.codeChallenge(),
                AcrCheck.level(request, client),
                PromptCheck.parse(request.prompt()),
                request.maxAge() == null ? null : Integer.valueOf(request.maxAge()),
                request.claims() != null && ClaimsCheck.amrRequested(request.claims()),
                request.uiLocales(),
                now,
                now.plus(properties.oidc().pendingAuthorizationTtl()));
    }
}
