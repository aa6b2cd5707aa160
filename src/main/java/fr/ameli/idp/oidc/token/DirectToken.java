package fr.ameli.idp.oidc.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.oidc.shared.DpopProofs;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.web.HandOver;
import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.web.SecurityHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The token endpoint's common call — a form post over plain HTTP, with no DPoP proof — answered in front of the
 * WebFlux pipeline, as userinfo's bearer GET is ({@code DirectUserinfo}): a relying party's back-channel call that
 * needs no session, cookie, CSRF token or page, and authenticates itself. In a JFR CPU-time profile of the SSO flow
 * (authorize + token, 2026-12-07) the layers around the two handlers — Spring's web layer (server exchange, routing,
 * {@code ServerResponse} and its codecs), Spring Security's filters and header writers, the request's observation —
 * had a fifth of the event loops' samples, besides the Reactor operators that chain them. Measured in turns with the
 * jar before, both ways round: the SSO flow's event loops lower in 6 of 8 pass pairs (bench/LOG.md).
 *
 * <p>The same answer as the routed handler: {@link TokenEndpoint} decides both, the form is read by the server's own
 * form reader, and the answer carries the same headers ({@link SecurityHeaders}) and the same
 * {@code http.server.requests} series ({@link InFrontRequests}); its client address is decided as the pipeline
 * decides it ({@link ForwardedHeaderTransformer}, applied first). The pipeline answers everything else: another
 * method, a request over TLS to this server (HSTS), a body that is not a form or whose length is unknown or above
 * {@link #MAX_BODY}, a DPoP proof, and every failure. A failure is handed over with the body read and what it was
 * ({@link HandOver}): the pipeline renders it through the one error hierarchy without doing
 * again what had effects (a wrong secret counted, a code consumed). A body the rules of {@link Params} refuse is
 * handed over without a failure: reading it again costs nothing and changes nothing.
 *
 * <p>What the pipeline would have added and this does not: Spring Security's firewall checks of header and host
 * characters. Nothing here is chosen by them: the path is matched exactly, the client authenticates, and every value
 * read is checked by the endpoint as behind the pipeline.
 */
final class DirectToken implements HttpHandlerDecoratorFactory {

    static final String PATH = "/token";

    /** Above this, the pipeline reads the body (a client assertion and a code are far below). */
    static final int MAX_BODY = 16 * 1024;

    private static final ResolvableType FORM = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class,
            String.class);

    private final TokenEndpoint endpoint;
    private final ForwardedHeaderTransformer clientAddress;
    private final HttpMessageReader<MultiValueMap<String, String>> formReader;
    private final SecurityHeaders securityHeaders;
    private final InFrontRequests requests;

    DirectToken(TokenEndpoint endpoint, ForwardedHeaderTransformer clientAddress,
            HttpMessageReader<MultiValueMap<String, String>> formReader, SecurityHeaders securityHeaders,
            InFrontRequests requests) {
        this.endpoint = endpoint;
        this.clientAddress = clientAddress;
        this.formReader = formReader;
        this.securityHeaders = securityHeaders;
        this.requests = requests;
    }

    @Override
    public HttpHandler apply(HttpHandler next) {
        // The client address as the pipeline decides it (the trusted proxy hop's, TrustedProxyHeaders): the secret
        // limits count per address. The pipeline, handed the request, finds no forwarding header left to apply.
        return (request, response) -> {
            if (!answeredInFront(request)) {
                return next.handle(request, response);
            }
            ServerHttpRequest addressed = HandOver.addressed(clientAddress, request);
            return addressed == null ? next.handle(request, response) : answer(addressed, response, next);
        };
    }

    private static boolean answeredInFront(ServerHttpRequest request) {
        if (request.getMethod() != HttpMethod.POST || request.getSslInfo() != null
                || !PATH.equals(request.getPath().value())) {
            return false;
        }
        HttpHeaders headers = request.getHeaders();
        long length = headers.getContentLength();
        if (length < 0 || length > MAX_BODY || headers.containsHeader(DpopProofs.HEADER)) {
            return false;
        }
        try {
            MediaType type = headers.getContentType();
            return type != null && type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED);
        } catch (org.springframework.http.InvalidMediaTypeException malformed) {
            return false;
        }
    }

    /** What the work in front ended with, for the request with its body read (which the pipeline can read again). */
    private record Read(ServerHttpRequest request, HandOver.Outcome<Map<String, Object>> outcome) {
    }

    private Mono<Void> answer(ServerHttpRequest request, ServerHttpResponse response, HttpHandler next) {
        long start = requests.start();
        Mono<Read> read = DataBufferUtils.join(request.getBody(), MAX_BODY)
                .map(DirectToken::bytes)
                .defaultIfEmpty(new byte[0])
                .map(body -> new ReadAgain(request, body))
                .flatMap(again -> formReader.readMono(FORM, again, Map.of())
                        .map(Params::ofValues)
                        .flatMap(params -> HandOver.settle(() -> endpoint.answer(again, params)))
                        // A form the rules of Params refuse: the pipeline reads it again and refuses it the same way.
                        .onErrorResume(malformed -> Mono.just(HandOver.Outcome.doneAgain()))
                        .defaultIfEmpty(HandOver.Outcome.doneAgain())
                        .map(outcome -> new Read(again, outcome)));
        return requests.untilAnswered(read, start)
                .flatMap(r -> r.outcome().answer() != null ? write(r.outcome().answer(), response, start)
                        : HandOver.toPipeline(next, r.request(), response, r.outcome().failure()));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** The request with its body already read, for the form reader and, when it is handed over, the pipeline. */
    private static final class ReadAgain extends ServerHttpRequestDecorator {

        private final byte[] body;

        ReadAgain(ServerHttpRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
        }
    }

    private Mono<Void> write(Map<String, Object> answer, ServerHttpResponse response, long start) {
        byte[] body = JSONObjectUtils.toJSONString(answer).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        headers.setCacheControl("no-store");
        headers.set(HttpHeaders.PRAGMA, "no-cache");
        securityHeaders.writeTo(headers);
        Mono<Void> written = response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        return requests.timed(written, response, start);
    }
}
