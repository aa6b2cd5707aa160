package fr.ameli.idp.login;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import fr.ameli.idp.enrollment.Enrollment;
import fr.ameli.idp.enrollment.EnrollmentService;
import fr.ameli.idp.enrollment.EnrollmentState;
import fr.ameli.idp.provisional.ProvisionalCodeProperties;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.RetryAfter;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.Problems;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Provisional codes for the mobile app, on the same services as the login page: {@code POST
 * /api/v1/provisional-codes/redemptions} with NIR + code is the login with a code ({@link PasswordLogin}: same
 * limits per NIR and per client address, same answer for a wrong NIR and a wrong code). A person without an account
 * gets a provisional-code enrollment, continued at {@code /api/v1/enrollments/{id}/{step}} from the CGU (SPEC 3.4);
 * an account holder (« Code oublié ? », or a counter code) gets a reset whose new personal code is posted to
 * {@code /api/v1/personal-code-resets/{id}} ({@link PersonalCodeReset}, as on the page). No session is opened: the
 * app then logs in through OpenID Connect. Described by {@code /api/v1/openapi.yaml}.
 */
@Configuration(proxyBeanMethods = false)
class ProvisionalCodeApiRoutes {

    static final String RESETS = "/api/v1/personal-code-resets";

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Redemption(@Nullable String nir, @Nullable String code) {
    }

    /** Where a right code leads: {@code enrollment} (with its state) or {@code new_personal_code} (with the reset). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Redeemed(String next, @Nullable EnrollmentState enrollment, @Nullable Reset reset) {
    }

    /** A reset: its id (a secret, used once), where to post the new code, and until when. */
    record Reset(String id, String href, @JsonProperty("expires_at") String expiresAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NewPersonalCode(@Nullable String motDePasse, @Nullable String confirmation) {
    }

    @Bean
    RouterFunction<ServerResponse> provisionalCodeApiRouter(PasswordLogin login, ProvisionalLogin provisional,
            ProvisionalCodes codes, PersonalCodeReset resets, EnrollmentService enrollments, ProvisionalCodeProperties properties,
            Clock clock) {
        Handlers h = new Handlers(login, provisional, codes, resets, enrollments, properties, clock);
        return ErrorChannel.PROBLEM.declare(RouterFunctions.route()
                .POST("/api/v1/provisional-codes/redemptions", h::redeem)
                .POST(RESETS + "/{id}", h::reset)
                .build());
    }

    private record Handlers(PasswordLogin login, ProvisionalLogin provisional, ProvisionalCodes codes,
            PersonalCodeReset resets, EnrollmentService enrollments, ProvisionalCodeProperties properties, Clock clock) {

        Mono<ServerResponse> redeem(ServerRequest request) {
            return request.bodyToMono(Redemption.class).defaultIfEmpty(new Redemption(null, null)).flatMap(body -> {
                String nir = body.nir() == null ? "" : body.nir();
                String code = body.code() == null ? "" : body.code();
                Map<String, String> errors = new LinkedHashMap<>();
                if (nir.isBlank()) {
                    errors.put("nir", "inscription.nir.obligatoire");
                }
                if (!ProvisionalCodes.looksLikeCode(code)) {
                    errors.put("code", "connexion.code_provisoire.format");
                }
                if (!errors.isEmpty()) {
                    return invalid(errors);
                }
                return login.check(nir, code, ClientAddress.of(request)).flatMap(result -> switch (result.outcome()) {
                    case CODE_WITHOUT_ACCOUNT -> provisional.startEnrollment(Enrollment.Channel.APP, nonNull(result.nir()),
                                    nonNull(result.codeId()), "")
                            .flatMap(started -> EnrollmentState.of(started.handle(), started.enrollment(), enrollments))
                            .flatMap(state -> created(new Redeemed("enrollment", state, null)))
                            .switchIfEmpty(Mono.defer(Handlers::wrongCode));
                    case CODE_OF_ACCOUNT -> codes.startReset(nonNull(result.codeId()), null)
                            .flatMap(handle -> created(new Redeemed("new_personal_code", null, new Reset(handle,
                                    RESETS + "/" + handle, clock.instant().plus(properties.resetTtl()).toString()))))
                            .switchIfEmpty(Mono.defer(Handlers::wrongCode));
                    case LIMITED_NIR, LIMITED_ADDRESS -> Problems.respond(Problems.of(HttpStatus.TOO_MANY_REQUESTS,
                            "too_many_attempts", "Too many failed attempts; retry later"),
                            headers -> RetryAfter.set(headers, result.retryAfter()));
                    case PENDING -> Problems.respond(Problems.of(HttpStatus.FORBIDDEN, "account_pending",
                            "The account waits for its email confirmation"));
                    case LOCKED -> Problems.respond(Problems.of(HttpStatus.FORBIDDEN, "account_locked",
                            "The account is locked; call 3646"));
                    // OK cannot happen (a password is never all digits); it is refused like a wrong code all the same.
                    case INVALID, OK -> wrongCode();
                });
            });
        }

        Mono<ServerResponse> reset(ServerRequest request) {
            return codes.reset(request.pathVariable("id"))
                    .flatMap(reset -> request.bodyToMono(NewPersonalCode.class)
                            .defaultIfEmpty(new NewPersonalCode(null, null))
                            .flatMap(body -> resets.choose(reset, body.motDePasse() == null ? "" : body.motDePasse(),
                                    body.confirmation() == null ? "" : body.confirmation())))
                    .flatMap(result -> switch (result) {
                        case PersonalCodeReset.Result.Refused refused -> {
                            ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_input",
                                    "The new personal code breaks the rules");
                            problem.setProperty("violations", refused.violations());
                            problem.setProperty("force", refused.strength());
                            yield Problems.respond(problem);
                        }
                        case PersonalCodeReset.Result.Changed changed -> ServerResponse.noContent().build();
                    })
                    .switchIfEmpty(Mono.defer(() -> Problems.respond(Problems.of(HttpStatus.NOT_FOUND, "not_found",
                            "No such reset, or it is over or expired"))));
        }

        private static Mono<ServerResponse> wrongCode() {
            return Problems.respond(Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_code",
                    "The NIR or the code is incorrect"));
        }

        private static Mono<ServerResponse> invalid(Map<String, String> errors) {
            ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_input", "Some fields are invalid");
            problem.setProperty("errors", errors);
            return Problems.respond(problem);
        }

        private static Mono<ServerResponse> created(Redeemed body) {
            return ServerResponse.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                    .cacheControl(CacheControl.noStore()).bodyValue(body);
        }

        private static <T> T nonNull(@Nullable T value) {
            if (value == null) {
                throw new IllegalStateException("a matched code without its NIR or id");
            }
            return value;
        }
    }
}
