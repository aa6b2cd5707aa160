package fr.ameli.idp.web.error;

import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Failures;
import fr.ameli.idp.web.RetryAfter;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The one place that turns a failure into a response, in the shape of the route's {@link ErrorChannel}: OAuth
 * endpoints get JSON (RFC 6749 §5.2, RFC 6750 §3); browser endpoints get a redirect to the client when the error
 * may go there (OIDC Core 3.1.2.6), otherwise a French page; the app API gets RFC 9457 problems. Anything
 * unexpected becomes {@code server_error}, details logged only. Which channel applies is decided by the router's
 * declaration ({@link ErrorChannel#declare}), read by {@link GlobalErrorHandler}. A value PostgreSQL refuses (SQLSTATE
 * class 22) is a 400 « données invalides », a body over the codec limit a 413 « trop volumineux », an unreachable
 * database a 503 « indisponible » ({@code temporarily_unavailable}).
 */
@Component
public class ErrorRenderer {

    private static final Logger log = LoggerFactory.getLogger(ErrorRenderer.class);

    private final String issuer;

    ErrorRenderer(IdpProperties properties) {
        this.issuer = properties.issuer();
    }

    /** A failure raised by a handler (or anything it called), in the shape of {@code channel}. */
    public Mono<ServerResponse> render(ErrorChannel channel, Throwable failure) {
        return switch (channel) {
            case PAGE -> browser(failure);
            case OAUTH -> json(failure);
            case PROBLEM -> problem(failure);
        };
    }

    /**
     * A failure of the web layer before or around a handler (unknown path, method not allowed, unsupported media
     * type, unreadable body, CSRF), with the HTTP status it carries, in the shape of {@code channel}.
     */
    Mono<ServerResponse> status(ErrorChannel channel, HttpStatusCode status, Throwable failure) {
        if (status.is5xxServerError()) {
            return render(channel, failure);
        }
        return switch (channel) {
            case PAGE -> status.value() == 404 ? page("erreur.page_introuvable", HttpStatus.NOT_FOUND)
                    // Spring Security's CSRF filter: the form was posted without its token, or with a stale one.
                    : status.value() == 403 ? page("erreur.csrf", HttpStatus.FORBIDDEN)
                    : status.value() == 413 ? page("erreur.trop_volumineux", HttpStatus.PAYLOAD_TOO_LARGE)
                    : page("erreur.invalid_request", HttpStatus.valueOf(status.value()));
            case OAUTH -> status.value() == 404 ? ServerResponse.status(HttpStatus.NOT_FOUND)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"error\":\"not_found\"}")
                    : json(OAuthException.invalidRequest("malformed request"));
            case PROBLEM -> Problems.respond(Problems.of(status, problemCode(status, failure), title(status)));
        };
    }

    /** For the app API: an RFC 9457 problem whose {@code code} is the OAuth code or the page's message key. */
    public Mono<ServerResponse> problem(Throwable failure) {
        return Problems.respond(switch (classify(failure)) {
            case OAuthException e -> Problems.of(e.error().status(), e.error().code(), e.description());
            case PageException e -> Problems.of(e.status(), e.messageKey(), title(e.status()));
            case UpstreamException e -> {
                logUpstream(e);
                yield Problems.of(HttpStatus.SERVICE_UNAVAILABLE, OAuthError.TEMPORARILY_UNAVAILABLE.code(),
                        "Service temporarily unavailable; retry later");
            }
        });
    }

    private static String problemCode(HttpStatusCode status, Throwable failure) {
        return switch (status.value()) {
            case 400 -> failure instanceof ServerWebInputException && failure.getCause() instanceof DecodingException
                    ? "invalid_json" : "bad_request";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "bad_request";
        };
    }

    private static String title(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "Error " + status.value() : known.getReasonPhrase();
    }

    /** For token, userinfo, revocation and the operator API. */
    public Mono<ServerResponse> json(Throwable failure) {
        OAuthException e = asOAuth(failure);
        ServerResponse.BodyBuilder response = ServerResponse.status(e.error().status())
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache");
        switch (e.error()) {
            case INVALID_TOKEN, INSUFFICIENT_SCOPE -> response.header(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer error=\"" + e.error().code() + "\", error_description=\"" + e.description() + "\"");
            case INVALID_CLIENT -> response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"ameli\"");
            default -> { }
        }
        Duration wait = e.retryAfter();
        if (wait != null) {
            response.headers(headers -> RetryAfter.set(headers, wait));
        }
        return response.bodyValue(new OAuthErrorBody(e.error().code(), e.description()));
    }

    /** For the authorization endpoint and every page a person sees. */
    public Mono<ServerResponse> browser(Throwable failure) {
        return switch (classify(failure)) {
            case OAuthException e when e.redirect() != null -> redirect(e, e.redirect());
            case OAuthException e -> page("erreur." + e.error().code(), e.error().status());
            case PageException e -> page(e.messageKey(), e.status());
            case UpstreamException e -> {
                logUpstream(e);
                yield page("erreur.indisponible", HttpStatus.SERVICE_UNAVAILABLE);
            }
        };
    }

    public Mono<ServerResponse> page(String messageKey, HttpStatus status) {
        return ServerResponse.status(status)
                .contentType(MediaType.TEXT_HTML)
                .cacheControl(CacheControl.noStore())
                .render("erreur", Map.of("messageKey", messageKey, "status", status.value()));
    }

    private Mono<ServerResponse> redirect(OAuthException e, OAuthException.Redirect to) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(to.redirectUri())
                .queryParam("error", e.error().code())
                .queryParam("error_description", e.description());
        if (to.state() != null) {
            uri.queryParam("state", to.state());
        }
        uri.queryParam("iss", issuer);
        return ServerResponse.seeOther(uri.encode().build().toUri()).build();
    }

    private IdpException classify(Throwable failure) {
        if (failure instanceof IdpException known) {
            return known;
        }
        String sqlState = Failures.sqlState(failure);
        if (sqlState != null && sqlState.startsWith("22")) {
            // Class 22, data exception: a value PostgreSQL refuses (a NUL character, an out-of-range number...).
            log.info("Input refused by the database: {}", Failures.describe(failure));
            return new PageException("erreur.donnees_invalides", HttpStatus.BAD_REQUEST);
        }
        if (Failures.causedBy(failure, DataBufferLimitException.class)) {
            return new PageException("erreur.trop_volumineux", HttpStatus.PAYLOAD_TOO_LARGE);
        }
        if (databaseUnavailable(failure, sqlState)) {
            return new UpstreamException(UpstreamException.Upstream.DATABASE, "database unavailable", failure);
        }
        if (Failures.fromDatabase(failure)) {
            // PostgreSQL's message and detail quote the rejected row (an email, a NIR): SQLSTATE and constraint only.
            log.error("Unexpected failure: {}", Failures.describe(failure));
        } else {
            log.error("Unexpected failure", failure);
        }
        return new OAuthException(OAuthError.SERVER_ERROR, "unexpected error");
    }

    private OAuthException asOAuth(Throwable failure) {
        return switch (classify(failure)) {
            case OAuthException e -> e;
            case PageException e -> new OAuthException(OAuthError.INVALID_REQUEST, "invalid request");
            case UpstreamException e -> {
                logUpstream(e);
                yield new OAuthException(OAuthError.TEMPORARILY_UNAVAILABLE, "service temporarily unavailable");
            }
        };
    }

    /**
     * PostgreSQL down, restarting or out of connections: SQLSTATE class 08 (connection), 53 (resources), 57P01-57P03
     * (shut down, starting up), or a connection or pool failure along the cause chain.
     */
    private static boolean databaseUnavailable(Throwable failure, @Nullable String sqlState) {
        if (sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P"))) {
            return true;
        }
        return Failures.causedBy(failure, R2dbcNonTransientResourceException.class)
                || Failures.causedBy(failure, R2dbcTransientResourceException.class)
                || Failures.causedBy(failure, DataAccessResourceFailureException.class)
                || Failures.causedBy(failure, java.net.ConnectException.class)
                || Failures.causedBy(failure, java.nio.channels.ClosedChannelException.class)
                || Failures.causedBy(failure, java.util.concurrent.TimeoutException.class)
                || Failures.causedBy(failure, reactor.pool.PoolAcquireTimeoutException.class);
    }

    private static void logUpstream(UpstreamException e) {
        Throwable cause = e.getCause();
        log.warn("Upstream {} failed: {}", e.upstream(), cause == null ? e.getMessage() : cause.getClass().getSimpleName());
    }
}
