package fr.ameli.idp.provisional;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.platform.OperatorRoutes;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.text.ParseException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
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

    @Bean
    OperatorRoutes operatorCodeApi(ProvisionalCodes codes, Registry registry,
            ProvisionalCodeProperties properties, Clock clock) {
        return routes -> routes.POST("/operator/provisional-codes",
                request -> issue(request, codes, registry, properties, clock));
    }

    private static Mono<ServerResponse> issue(ServerRequest request, ProvisionalCodes codes, Registry registry,
            ProvisionalCodeProperties properties, Clock clock) {
        return request.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> {
            Nir nir;
            int length;
            try {
                Map<String, Object> json = JSONObjectUtils.parse(body);
                nir = Nir.parse(String.valueOf(json.get("nir")));
                Object requested = json.get("length");
                length = requested == null ? properties.counterLength() : ((Number) requested).intValue();
            } catch (ParseException | InvalidNirException | ClassCastException e) {
                return error(HttpStatus.BAD_REQUEST, "invalid_request", "body must be {\"nir\": string, \"length\": 4 or 8}");
            }
            if (length != 4 && length != 8) {
                return error(HttpStatus.BAD_REQUEST, "invalid_request", "length must be 4 or 8");
            }
            int digits = length;
            return registry.findByNir(nir)
                    .flatMap(person -> codes.draw(digits).flatMap(code -> codes.store(nir, ProvisionalCodes.Origin.COUNTER,
                                    code, properties.counterValidity())
                            .then(Mono.defer(() -> {
                                log.info("Provisional code issued at a counter ({} digits)", digits);
                                Map<String, Object> answer = new LinkedHashMap<>();
                                answer.put("code", code.code());
                                answer.put("expires_at", DateTimeFormatter.ISO_INSTANT.format(
                                        clock.instant().plus(properties.counterValidity())));
                                return json(HttpStatus.CREATED, answer);
                            }))))
                    .switchIfEmpty(Mono.defer(() -> error(HttpStatus.NOT_FOUND, "not_found", "no such person in the registry")));
        });
    }


    private static Mono<ServerResponse> error(HttpStatus status, String code, String description) {
        return json(status, Map.of("error", code, "error_description", description));
    }

    private static Mono<ServerResponse> json(HttpStatus status, Map<String, Object> body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .bodyValue(JSONObjectUtils.toJSONString(body));
    }
}
