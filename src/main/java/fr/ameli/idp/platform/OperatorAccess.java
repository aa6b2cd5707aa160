package fr.ameli.idp.platform;

import java.security.MessageDigest;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The operator API's one gate: the bearer token {@code idp.operator.token} (IDP_OPERATOR_TOKEN, at least
 * {@value OperatorProperties#MINIMUM_TOKEN_BYTES} bytes), compared in constant time through its SHA-256.
 * It guards every route of the {@link OperatorServer}.
 */
final class OperatorAccess implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private final byte[] expected;

    OperatorAccess(OperatorProperties properties) {
        this.expected = Secrets.sha256(Objects.requireNonNull(properties.token(), "no operator token").trim());
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        return authorized(request) ? next.handle(request)
                : ServerResponse.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private boolean authorized(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.startsWith("Bearer ")
                && MessageDigest.isEqual(expected, Secrets.sha256(header.substring(7).trim()));
    }
}
