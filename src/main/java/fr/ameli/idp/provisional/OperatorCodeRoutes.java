package fr.ameli.idp.provisional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import fr.ameli.idp.platform.OperatorRoutes;
import fr.ameli.idp.web.error.OAuthErrorBody;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Operator API of the CPAM counter (SPEC 3.4): {@code POST /operator/provisional-codes} with
 * {@code {"nir": "…", "length": 4 | 8}} issues a provisional code for a person of the registry and answers it
 * once, with its expiry ({@code idp.provisional-code.counter-validity}); the operator hands it to the person.
 * Earlier codes of the person stop working. Served like the client API on the operator port only, behind the
 * bearer {@code idp.operator.token}; absent when that is unset. The answer is never cached and the code is never logged.
 */
@Configuration(proxyBeanMethods = false)
class OperatorCodeRoutes {

    private static final Logger log = LoggerFactory.getLogger(OperatorCodeRoutes.class);

    /** {@code {"nir": "…", "length": 4 | 8}}; the length defaults to {@code idp.provisional-code.counter-length}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CounterCodeRequest(@Nullable String nir, @Nullable Integer length) {
    }

    /** The code, answered once, and when it stops working. */
    record CounterCode(String code, @JsonProperty("expires_at") String expiresAt) {
    }

    @Bean
    OperatorRoutes operatorCodeApi(ProvisionalCodes codes, Registry registry,
            ProvisionalCodeProperties properties, Clock clock) {
        return routes -> routes.POST("/operator/provisional-codes",
                request -> issue(request, codes, registry, properties, clock));
    }

    private static Mono<ServerResponse> issue(ServerRequest request, ProvisionalCodes codes, Registry registry,
            ProvisionalCodeProperties properties, Clock clock) {
        return request.bodyToMono(CounterCodeRequest.class)
                .onErrorResume(ServerWebInputException.class, e -> Mono.just(new CounterCodeRequest(null, null)))
                .defaultIfEmpty(new CounterCodeRequest(null, null))
                .flatMap(body -> {
                    Nir nir;
                    try {
                        nir = Nir.parse(String.valueOf(body.nir()));
                    } catch (InvalidNirException e) {
                        return error(HttpStatus.BAD_REQUEST, "invalid_request", "body must be {\"nir\": string, \"length\": 4 or 8}");
                    }
                    int length = body.length() == null ? properties.counterLength() : body.length();
                    if (length != 4 && length != 8) {
                        return error(HttpStatus.BAD_REQUEST, "invalid_request", "length must be 4 or 8");
                    }
                    return registry.findByNir(nir)
                            .flatMap(person -> codes.draw(length).flatMap(code -> codes.store(nir,
                                            ProvisionalCodes.Origin.COUNTER, code, properties.counterValidity())
                                    .then(Mono.defer(() -> {
                                        log.info("Provisional code issued at a counter ({} digits)", length);
                                        return json(HttpStatus.CREATED, new CounterCode(code.code(), DateTimeFormatter.ISO_INSTANT
                                                .format(clock.instant().plus(properties.counterValidity()))));
                                    }))))
                            .switchIfEmpty(Mono.defer(() -> error(HttpStatus.NOT_FOUND, "not_found",
                                    "no such person in the registry")));
                });
    }

    private static Mono<ServerResponse> error(HttpStatus status, String code, String description) {
        return json(status, new OAuthErrorBody(code, description));
    }

    private static Mono<ServerResponse> json(HttpStatus status, Object body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .bodyValue(body);
    }
}
