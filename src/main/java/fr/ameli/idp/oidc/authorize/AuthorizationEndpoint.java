package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.session.LoginSessions;
import java.net.URI;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Where the authorization endpoint sends a browser whose request parameters are read: the request, or the pushed one
 * it names (RFC 9126 §4), validated, then moved on by {@link AuthorizationFlow#start} with the browser's session
 * cookie. The routed handler ({@link AuthorizeRoutes}) and the answer in front of the pipeline
 * ({@link DirectAuthorize}) both ask it, so that the two cannot differ but in how the answer is written.
 */
@Component
class AuthorizationEndpoint {

    private final AuthorizationRequestValidator validator;
    private final AuthorizationFlow flow;
    private final PushedAuthorizations pushed;

    AuthorizationEndpoint(AuthorizationRequestValidator validator, AuthorizationFlow flow,
            PushedAuthorizations pushed) {
        this.validator = validator;
        this.flow = flow;
        this.pushed = pushed;
    }

    /**
     * Where the browser goes next (303), or the failure to render. With a request_uri: the pushed parameters only,
     * once; any other parameter but client_id is ignored.
     */
    Mono<URI> answer(ServerHttpRequest request, Params params) {
        return Mono.defer(() -> params.get("request_uri") == null ? Mono.just(AuthorizationRequest.from(params))
                        : pushed.use(params.required("request_uri"), params.required("client_id"))
                                .map(stored -> AuthorizationRequest.from(stored, true)))
                .flatMap(validator::validate)
                .flatMap(pending -> flow.start(pending, LoginSessions.cookieHash(request)));
    }
}
