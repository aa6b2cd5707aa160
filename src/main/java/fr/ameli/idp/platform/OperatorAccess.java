package fr.ameli.idp.platform;

import java.security.MessageDigest;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The operator APIs' one gate: the bearer token {@code idp.operator.token} (IDP_OPERATOR_TOKEN), compared in
 * constant time. Without a token the operator routes do not exist at all (404), and the service still starts.
 */
@Component
public class OperatorAccess {

    private final byte[] expected;

    OperatorAccess(@Value("${idp.operator.token:}") String token) {
        this.expected = token.isBlank() ? null : Secrets.sha256(token);
    }

    /** The routes {@code routes} declares, each behind the token; none when no token is configured. */
    public RouterFunction<ServerResponse> routes(Consumer<RouterFunctions.Builder> routes) {
        if (expected == null) {
            return request -> Mono.empty();
        }
        RouterFunctions.Builder builder = RouterFunctions.route();
        routes.accept(builder);
        return builder.filter((request, next) -> authorized(request) ? next.handle(request)
                : ServerResponse.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build())
                .build();
    }

    private boolean authorized(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.startsWith("Bearer ")
                && MessageDigest.isEqual(expected, Secrets.sha256(header.substring(7).trim()));
    }
}
