package fr.ameli.idp.federation;

import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.session.LoginSession;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * Logging out of a session opened through the provider also ends it there (FRANCECONNECT.md B.8; OIDC
 * RP-Initiated Logout 1.0): our logout endpoints end our session, then send the browser to the provider's
 * {@code end_session_endpoint} with the provider's {@code id_token_hint}, a fresh {@code state} (stored
 * hashed with where the logout was going) and the registered {@code post_logout_redirect_uri}; the provider
 * sends it back to {@code /federation/logout-callback}, which checks the state and carries on.
 *
 * <p>Best effort: when the provider is not configured any more, has no end-session endpoint or cannot be
 * reached for discovery, the local logout simply completes (a WARN is logged, with the reason code only).
 */
@Component
public class FederationLogout {

    private static final Logger log = LoggerFactory.getLogger(FederationLogout.class);

    private final ProviderClient client;
    private final FederationSettings settings;
    private final FederationRequests requests;
    private final Clock clock;

    FederationLogout(ProviderClient client, FederationSettings settings, FederationRequests requests, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.requests = requests;
        this.clock = clock;
    }

    /**
     * Where to send the browser to end the provider's session too; empty when {@code session} was not opened
     * through the provider (or its session cannot be ended there).
     *
     * @param continueTo where the logout goes once the provider is done; {@code null}: our « Vous êtes
     *        déconnecté » page
     */
    public Mono<URI> endAtProvider(LoginSession session, @Nullable URI continueTo) {
        String idToken = session.federationIdToken();
        if (idToken == null) {
            return Mono.empty();
        }
        return client.connection()
                .flatMap(ProviderClient.Connection::metadata)
                .filter(metadata -> metadata.endSessionEndpoint() != null)
                .flatMap(metadata -> {
                    String state = Secrets.newHandle();
                    Instant now = clock.instant();
                    URI target = UriComponentsBuilder.fromUri(metadata.endSessionEndpoint())
                            .queryParam("id_token_hint", idToken)
                            .queryParam("state", state)
                            .queryParam("post_logout_redirect_uri", settings.postLogoutRedirectUri())
                            .encode().build().toUri();
                    return requests.saveLogout(Secrets.sha256(state), continueTo == null ? null : continueTo.toString(), now,
                            now.plus(settings.properties().requestTtl())).thenReturn(target);
                })
                .onErrorResume(e -> ProviderFailure.reasonOf(e) != null, e -> {
                    log.warn("FranceConnect logout not propagated: reason={}", ProviderFailure.reasonOf(e).code());
                    return Mono.empty();
                });
    }

    /** The provider sent the browser back: the stored continuation of this state, once; empty when unknown. */
    Mono<FederationRequests.Logout> complete(String state) {
        return requests.consumeLogout(Secrets.sha256(state), clock.instant());
    }
}
