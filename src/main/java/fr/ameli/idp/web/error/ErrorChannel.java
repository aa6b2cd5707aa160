package fr.ameli.idp.web.error;

import java.util.Optional;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The shape a caller gets when something fails, one per audience. Each router says which it is when it is declared
 * ({@code ErrorChannel.OAUTH.declare(RouterFunctions.route()…build())}); the {@link GlobalErrorHandler} reads that
 * and nothing else: no list of path prefixes. A new router that is not declared fails {@code ErrorChannelTests}.
 *
 * <p>The one exception is a request that matched no route at all (an unknown path, 404): no router saw it, so
 * {@link #forUnmatched} decides by path, and that is the only place that looks at a path prefix.
 */
public enum ErrorChannel {

    /** A French page (« erreur »), or for the authorization endpoint a redirect to the client (OIDC Core 3.1.2.6). */
    PAGE,
    /** RFC 6749 §5.2 JSON ({@code error}, {@code error_description}), with {@code WWW-Authenticate} for bearer
     *  tokens (RFC 6750 §3) and client authentication: OIDC and OAuth endpoints, the operator API (RFC 7591). */
    OAUTH,
    /** RFC 9457 {@code application/problem+json} with a stable {@code code}: everything under {@code /api/}. */
    PROBLEM;

    /** The request attribute (and route attribute) that carries the declared channel. */
    public static final String ATTRIBUTE = ErrorChannel.class.getName();

    /**
     * Tags every route of {@code router} with this channel: at run time through a request attribute set before the
     * handler runs (so that a failure escaping the handler is rendered in this shape), and as a route attribute (so
     * that the channel of a route can be listed without a request: the 405 answers and the tests).
     */
    public RouterFunction<ServerResponse> declare(RouterFunction<ServerResponse> router) {
        ErrorChannel channel = this;
        return router.filter((request, next) -> {
            request.attributes().put(ATTRIBUTE, channel);
            return next.handle(request);
        }).withAttribute(ATTRIBUTE, channel);
    }

    /** The channel declared by the route that took this request, if one did. */
    static Optional<ErrorChannel> of(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(ATTRIBUTE));
    }

    /** For a path no route matched (and only then): the app API gets problems, anything else a French page. */
    static ErrorChannel forUnmatched(String path) {
        return path.startsWith("/api/") ? PROBLEM : PAGE;
    }
}
