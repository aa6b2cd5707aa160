package fr.ameli.idp.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Renders a French page with the CSRF token in its model ({@code _csrf}): Spring Security's reactive
 * CSRF filter only offers a {@code Mono<CsrfToken>}, which has to be resolved before the template runs
 * (resolving it also sets the token cookie). Pages are never cached: they may show personal data.
 */
public final class Pages {

    private Pages() {
    }

    public static Mono<ServerResponse> render(ServerRequest request, String view, Map<String, ?> model) {
        return render(request, HttpStatus.OK, view, model);
    }

    /** The one way to render a page: with the cookies this response sets (or clears), never added to the exchange aside. */
    public static Mono<ServerResponse> render(ServerRequest request, HttpStatus status, String view, Map<String, ?> model,
            ResponseCookie... cookies) {
        return render(request, status, headers -> { }, view, model, cookies);
    }

    /** A page refused by a limit: 429, with {@code Retry-After} (the seconds until the refusing window ends). */
    public static Mono<ServerResponse> limited(ServerRequest request, Duration retryAfter, String view,
            Map<String, ?> model, ResponseCookie... cookies) {
        return render(request, HttpStatus.TOO_MANY_REQUESTS, headers -> RetryAfter.set(headers, retryAfter), view, model,
                cookies);
    }

    /**
     * The request's CSRF token, resolved (which sets its cookie when it is new) and left in the exchange's attributes
     * as {@code _csrf}, where the view finds it; empty when the request has none.
     */
    static Mono<CsrfToken> csrfToken(ServerRequest request) {
        Mono<CsrfToken> token = request.exchange().getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.empty() : token.doOnNext(t -> request.exchange().getAttributes().put("_csrf", t));
    }

    private static Mono<ServerResponse> render(ServerRequest request, HttpStatus status, Consumer<HttpHeaders> headers,
            String view, Map<String, ?> model, ResponseCookie... cookies) {
        Map<String, Object> full = new HashMap<>(model);
        return csrfToken(request)
                .doOnNext(t -> full.put("_csrf", t))
                .then(Mono.defer(() -> {
                    ServerResponse.BodyBuilder response = ServerResponse.status(status).cacheControl(CacheControl.noStore())
                            .headers(headers);
                    for (ResponseCookie cookie : cookies) {
                        response.cookie(cookie);
                    }
                    return response.render(view, full);
                }));
    }
}
