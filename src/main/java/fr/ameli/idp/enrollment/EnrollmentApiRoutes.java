package fr.ameli.idp.enrollment;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.ParameterLimits;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The same account creation as a JSON API for the mobile app ({@code /api/v1/enrollments}), on the same
 * {@link EnrollmentService}. The attempt id returned at creation is a bearer secret (only its hash is
 * stored). Errors are RFC 9457 problem details whose {@code code} is stable: {@code invalid_input} (with
 * per-field message keys), {@code step_out_of_order}, {@code not_found}, {@code too_many_attempts} (429, with
 * {@code Retry-After}: the limits per NIR and per client address of the identity and proof steps), or the
 * exclusion reason.
 * Described by {@code /api/v1/openapi.yaml}.
 */
@Configuration(proxyBeanMethods = false)
public class EnrollmentApiRoutes {

    static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @Bean
    RouterFunction<ServerResponse> enrollmentApiRouter(EnrollmentService service) throws java.io.IOException {
        byte[] openapi = new ClassPathResource("api/openapi.yaml").getContentAsByteArray();
        Api api = new Api(service);
        return RouterFunctions.route()
                .GET("/api/v1/openapi.yaml", request -> ServerResponse.ok()
                        .contentType(MediaType.parseMediaType("application/yaml")).bodyValue(openapi))
                .POST("/api/v1/enrollments", api::start)
                .GET("/api/v1/enrollments/{id}", api::state)
                .POST("/api/v1/enrollments/{id}/{step}", api::submit)
                .build();
    }

    private record Api(EnrollmentService service) {

        Mono<ServerResponse> start(ServerRequest request) {
            return service.startCarteVitale(Enrollment.Channel.APP, null)
                    .flatMap(started -> json(HttpStatus.CREATED, state(started.handle(), started.enrollment(), Map.of())));
        }

        Mono<ServerResponse> state(ServerRequest request) {
            String id = request.pathVariable("id");
            return service.find(id)
                    .flatMap(e -> service.model(e).flatMap(model -> json(HttpStatus.OK, state(id, e, model))))
                    .switchIfEmpty(Mono.defer(Api::notFound));
        }

        Mono<ServerResponse> submit(ServerRequest request) {
            String id = request.pathVariable("id");
            EnrollmentStep step;
            try {
                step = EnrollmentStep.fromSlug(request.pathVariable("step"));
            } catch (IllegalArgumentException e) {
                return notFound();
            }
            EnrollmentStep posted = step;
            return request.bodyToMono(String.class).defaultIfEmpty("{}")
                    .flatMap(body -> {
                        Map<String, String> fields = new LinkedHashMap<>();
                        try {
                            JSONObjectUtils.parse(body).forEach((k, v) -> {
                                if (v != null) {
                                    fields.put(k, String.valueOf(v));
                                }
                            });
                        } catch (java.text.ParseException e) {
                            return problem(HttpStatus.BAD_REQUEST, "invalid_json", "The body is not a JSON object", Map.of());
                        }
                        String tooLong = ParameterLimits.tooLong(fields);
                        if (tooLong != null) {
                            return problem(HttpStatus.BAD_REQUEST, "field_too_long", "A field is longer than allowed",
                                    Map.of("field", tooLong));
                        }
                        return service.submit(id, posted, fields, ClientAddress.of(request))
                                .flatMap(result -> respond(id, result))
                                .switchIfEmpty(Mono.defer(Api::notFound));
                    });
        }

        private Mono<ServerResponse> respond(String id, EnrollmentService.Result result) {
            Enrollment e = result.enrollment();
            if (result instanceof EnrollmentService.Result.Rejected rejected) {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("errors", rejected.errors());
                rejected.model().forEach((k, v) -> {
                    if (k.equals("violations") || k.equals("force")) {
                        extra.put(k, v);
                    }
                });
                return problem(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_input", "Some fields are invalid", extra);
            }
            if (result instanceof EnrollmentService.Result.Limited limited) {
                // At least one second: a client that retries at once is refused again.
                long seconds = Math.max(1, limited.retryAfter().toSeconds());
                return problem(HttpStatus.TOO_MANY_REQUESTS, "too_many_attempts", "Too many attempts; retry later",
                        Map.of("step", e.step().slug()),
                        headers -> headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
            }
            if (result instanceof EnrollmentService.Result.OutOfStep) {
                return problem(HttpStatus.CONFLICT, "step_out_of_order", "This step is not the current one",
                        Map.of("step", e.step().slug()));
            }
            if (e.failure() != null) {
                return problem(HttpStatus.FORBIDDEN, e.failure().code(), "Online account creation is not possible",
                        Map.of("step", e.step().slug(), "alternatives", List.of("phone:3646", "franceconnect")));
            }
            return service.model(e).flatMap(model -> json(HttpStatus.OK, state(id, e, model)));
        }

        private static Map<String, Object> state(String id, Enrollment e, Map<String, Object> model) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("step", e.step().slug());
            body.put("expires_at", e.expiresAt().toString());
            model.forEach((k, v) -> body.put(k, v));
            if (e.failure() != null) {
                body.put("failure", e.failure().code());
            }
            return body;
        }

        private static Mono<ServerResponse> json(HttpStatus status, Map<String, Object> body) {
            return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                    .bodyValue(JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
        }

        private static Mono<ServerResponse> notFound() {
            return problem(HttpStatus.NOT_FOUND, "not_found", "No such enrollment, or it has expired", Map.of());
        }

        /** RFC 9457: type, title, status, plus the stable {@code code} and any extension members. */
        private static Mono<ServerResponse> problem(HttpStatus status, String code, String title, Map<String, Object> extra) {
            return problem(status, code, title, extra, headers -> { });
        }

        private static Mono<ServerResponse> problem(HttpStatus status, String code, String title, Map<String, Object> extra,
                java.util.function.Consumer<HttpHeaders> headers) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", URI.create("https://ameli.example/problems/" + code).toString());
            body.put("title", title);
            body.put("status", status.value());
            body.put("code", code);
            body.putAll(extra);
            return ServerResponse.status(status).contentType(PROBLEM).cacheControl(CacheControl.noStore()).headers(headers)
                    .bodyValue(JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
        }
    }
}
