package fr.ameli.idp.web;

import fr.ameli.idp.platform.Secrets;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The CSRF tokens of the forms: kept in the {@code XSRF-TOKEN} cookie by Spring Security's cookie repository, drawn
 * here on the request's own thread from the service's DRBG ({@link Secrets#newHandle}, 256 bits, seeded once: no
 * read of the entropy source per token). Spring Security's repository draws a UUID on a {@code boundedElastic}
 * thread, in case the entropy source blocks, and the page that needs the token was then rendered on that thread: a
 * thread hand-over per form page for nothing (see {@link NoWebSessions} for what the two hand-overs cost).
 */
final class CsrfTokens implements ServerCsrfTokenRepository {

    // CookieServerCsrfTokenRepository's defaults, which its loadToken uses.
    static final String HEADER = "X-XSRF-TOKEN";
    static final String PARAMETER = "_csrf";

    private final CookieServerCsrfTokenRepository cookies = new CookieServerCsrfTokenRepository();

    @Override
    public Mono<CsrfToken> generateToken(ServerWebExchange exchange) {
        return Mono.fromSupplier(() -> new DefaultCsrfToken(HEADER, PARAMETER, Secrets.newHandle()));
    }

    @Override
    public Mono<Void> saveToken(ServerWebExchange exchange, CsrfToken token) {
        return cookies.saveToken(exchange, token);
    }

    @Override
    public Mono<CsrfToken> loadToken(ServerWebExchange exchange) {
        return cookies.loadToken(exchange);
    }
}
