package fr.ameli.idp.oidc.discovery;

import fr.ameli.idp.token.SigningKeys;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import reactor.core.publisher.Mono;

/**
 * The two public documents every relying party fetches — discovery and the JWKS — answered in front of the WebFlux
 * pipeline (server exchange, web filters, Spring Security's chain, routing). They are fixed bytes that no filter has
 * anything to decide about: no session, no form, no authentication. Measured before this (bench/): about 0.2 ms of
 * CPU per GET, nearly all of it in the filter chain and its observations; the bytes themselves cost microseconds.
 *
 * <p>What the chain added that matters for a JSON document is written here ({@code nosniff}, no referrer), plus
 * {@code Access-Control-Allow-Origin: *} as other providers do, so that browser-based relying parties can read them.
 * These requests are not in the {@code http.server.requests} metric. Other methods than GET and HEAD go on to the
 * pipeline, which answers them as before (405).
 */
final class PublishedDocuments implements HttpHandlerDecoratorFactory {

    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    static final String JWKS_PATH = "/jwks";

    private final Document discovery;
    private final Document jwks;

    PublishedDocuments(byte[] discovery, SigningKeys keys) {
        this.discovery = new Document("application/json", "public, max-age=300", () -> discovery);
        // The key set changes with rotation: SigningKeys keeps its current bytes, read per request.
        this.jwks = new Document("application/jwk-set+json", "public, max-age=60", keys::jwksJson);
    }

    private record Document(String contentType, String cacheControl, Supplier<byte[]> bytes) {
    }

    @Override
    public HttpHandler apply(HttpHandler next) {
        return (request, response) -> {
            Document document = documentOf(request);
            return document == null ? next.handle(request, response) : write(document, request, response);
        };
    }

    private Document documentOf(ServerHttpRequest request) {
        HttpMethod method = request.getMethod();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return null;
        }
        String path = request.getPath().value();
        return switch (path) {
            case DISCOVERY_PATH -> discovery;
            case JWKS_PATH -> jwks;
            default -> null;
        };
    }

    private static Mono<Void> write(Document document, ServerHttpRequest request, ServerHttpResponse response) {
        byte[] bytes = document.bytes().get();
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, document.contentType());
        headers.setContentLength(bytes.length);
        headers.set(HttpHeaders.CACHE_CONTROL, document.cacheControl());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (request.getMethod() == HttpMethod.HEAD) {
            return response.setComplete();
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
