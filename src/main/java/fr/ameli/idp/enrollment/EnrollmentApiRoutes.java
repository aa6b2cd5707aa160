package fr.ameli.idp.enrollment;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.Problems;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.ParameterLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import fr.ameli.idp.web.RetryAfter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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

    @Bean
    RouterFunction<ServerResponse> enrollmentApiRouter(EnrollmentService service) throws java.io.IOException {
        byte[] openapi = new ClassPathResource("api/openapi.yaml").getContentAsByteArray();
        Api api = new Api(service);
        return ErrorChannel.PROBLEM.declare(RouterFunctions.route()
                .GET("/api/v1/openapi.yaml", request -> ServerResponse.ok()
                        .contentType(MediaType.parseMediaType("application/yaml")).bodyValue(openapi))
                .POST("/api/v1/enrollments", api::start)
                .GET("/api/v1/enrollments/{id}", api::state)
                .POST("/api/v1/enrollments/{id}/{step}", api::submit)
                .build());
    }

    private record Api(EnrollmentService service) {

        private static final ParameterizedTypeReference<Map<String, Object>> FIELDS = new ParameterizedTypeReference<>() {
        };

        Mono<ServerResponse> start(ServerRequest request) {
            return service.startCarteVitale(Enrollment.Channel.APP, null)
                    .flatMap(started -> EnrollmentState.of(started.handle(), started.enrollment(), service))
                    .flatMap(state -> json(HttpStatus.CREATED, state));
        }

        Mono<ServerResponse> state(ServerRequest request) {
            String id = request.pathVariable("id");
            return service.find(id)
                    .flatMap(e -> EnrollmentState.of(id, e, service))
                    .flatMap(state -> json(HttpStatus.OK, state))
                    .switchIfEmpty(Mono.defer(Api::notFound));
        }

        /** The body is a JSON object of strings (read by the Jackson codec: malformed JSON is a 400 problem). */
        Mono<ServerResponse> submit(ServerRequest request) {
            String id = request.pathVariable("id");
            EnrollmentStep step;
            try {
                step = EnrollmentStep.fromSlug(request.pathVariable("step"));
            } catch (IllegalArgumentException e) {
                return notFound();
            }
            return request.bodyToMono(FIELDS).defaultIfEmpty(Map.of()).flatMap(body -> {
                Map<String, String> fields = new LinkedHashMap<>();
                body.forEach((k, v) -> {
                    if (v != null) {
                        fields.put(k, String.valueOf(v));
                    }
                });
                String tooLong = ParameterLimits.tooLong(fields);
                if (tooLong != null) {
                    ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "field_too_long",
                            "A field is longer than allowed");
                    problem.setProperty("field", tooLong);
                    return Problems.respond(problem);
                }
                return service.submit(id, step, fields, ClientAddress.of(request))
                        .flatMap(result -> respond(id, result))
                        .switchIfEmpty(Mono.defer(Api::notFound));
            });
        }

        private Mono<ServerResponse> respond(String id, EnrollmentService.Result result) {
            Enrollment e = result.enrollment();
            if (result instanceof EnrollmentService.Result.Rejected rejected) {
                ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_input", "Some fields are invalid");
                problem.setProperty("errors", rejected.errors());
                rejected.model().forEach((k, v) -> {
                    if (k.equals("violations") || k.equals("force")) {
                        problem.setProperty(k, v);
                    }
                });
                return Problems.respond(problem);
            }
            if (result instanceof EnrollmentService.Result.Limited limited) {
                return Problems.respond(tooManyAttempts(e), headers -> RetryAfter.set(headers, limited.retryAfter()));
            }
            if (result instanceof EnrollmentService.Result.OutOfStep) {
                ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "step_out_of_order", "This step is not the current one");
                problem.setProperty("step", e.step().slug());
                return Problems.respond(problem);
            }
            if (e.failure() != null) {
                ProblemDetail problem = Problems.of(HttpStatus.FORBIDDEN, e.failure().code(),
                        "Online account creation is not possible");
                problem.setProperty("step", e.step().slug());
                problem.setProperty("alternatives", List.of("phone:3646", "franceconnect"));
                return Problems.respond(problem);
            }
            return EnrollmentState.of(id, e, service).flatMap(state -> json(HttpStatus.OK, state));
        }

        private static ProblemDetail tooManyAttempts(Enrollment e) {
            ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too_many_attempts", "Too many attempts; retry later");
            problem.setProperty("step", e.step().slug());
            return problem;
        }

        private static Mono<ServerResponse> notFound() {
            return Problems.respond(Problems.of(HttpStatus.NOT_FOUND, "not_found", "No such enrollment, or it has expired"));
        }
    }

    static Mono<ServerResponse> json(HttpStatus status, Object body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .bodyValue(body);
    }
}
