package fr.ameli.idp.web.error;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.platform.IdpProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The one place that turns a failure into a response. Protocol endpoints get JSON (RFC 6749 §5.2,
 * RFC 6750 §3); browser endpoints get a redirect to the client when the error may go there (OIDC Core
 * 3.1.2.6), otherwise a French page. Anything unexpected becomes {@code server_error}, details logged only.
 */
@Component
public class ErrorRenderer {

    private static final Logger log = LoggerFactory.getLogger(ErrorRenderer.class);

    private final String issuer;

    ErrorRenderer(IdpProperties properties) {
        this.issuer = properties.issuer();
    }

    /** For token, userinfo, revocation and the JSON API. */
    public Mono<ServerResponse> json(Throwable failure) {
        OAuthException e = asOAuth(failure);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error().code());
        body.put("error_description", e.description());
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
        return response.bodyValue(JSONObjectUtils.toJSONString(body));
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
        if (fr.ameli.idp.platform.Failures.fromDatabase(failure)) {
            // PostgreSQL's message and detail quote the rejected row (an email, a NIR): SQLSTATE and constraint only.
            log.error("Unexpected failure: {}", fr.ameli.idp.platform.Failures.describe(failure));
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

    private static void logUpstream(UpstreamException e) {
        Throwable cause = e.getCause();
        log.warn("Upstream {} failed: {}", e.upstream(), cause == null ? e.getMessage() : cause.getClass().getSimpleName());
    }
}
