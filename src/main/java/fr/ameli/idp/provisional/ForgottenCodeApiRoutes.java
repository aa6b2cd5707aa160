package fr.ameli.idp.provisional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.captcha.CaptchaIssuance;
import fr.ameli.idp.captcha.CaptchaProperties;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.RetryAfter;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.Problems;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
 * « Code oublié ? » for the mobile app, on the same {@link ForgottenCode} as the page (same fields, same limits per
 * NIR and per client address, same captcha): {@code POST /api/v1/captchas} draws a challenge whose {@code id} the app
 * keeps, {@code GET /api/v1/captchas/{id}/image} and {@code …/audio} give its PNG and French WAV, and
 * {@code POST /api/v1/forgotten-code} sends NIR, birth date and the answer. A challenge is used up by one answer,
 * right or wrong ({@code captcha_refused}: draw a new one). Described by {@code /api/v1/openapi.yaml}.
 */
@Configuration(proxyBeanMethods = false)
class ForgottenCodeApiRoutes {

    static final String CAPTCHAS = "/api/v1/captchas";

    /** A new challenge: its handle (a secret; valid {@code idp.captcha.ttl}, used once) and where its media are. */
    record Challenge(String id, @JsonProperty("expires_at") String expiresAt, String image, String audio) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ForgottenCodeRequest(@Nullable String nir, @Nullable String dateNaissance, @Nullable String captchaId,
            @Nullable String captcha) {
    }

    /** The code went to the account's address, shown masked. */
    record CodeSent(String emailMasque) {
    }

    @Bean
    RouterFunction<ServerResponse> forgottenCodeApiRouter(ForgottenCode forgotten, CaptchaChallenges captcha,
            CaptchaIssuance issuance, CaptchaProperties captchaProperties, Clock clock) {
        return ErrorChannel.PROBLEM.declare(RouterFunctions.route()
                .POST(CAPTCHAS, request -> issuance.within(ClientAddress.of(request), () -> captcha.issue()
                        .flatMap(id -> json(HttpStatus.CREATED, new Challenge(id,
                                clock.instant().plus(captchaProperties.ttl()).toString(), CAPTCHAS + "/" + id + "/image",
                                CAPTCHAS + "/" + id + "/audio"))), ForgottenCodeApiRoutes::tooManyDrawings))
                .GET(CAPTCHAS + "/{id}/image", request -> issuance.within(ClientAddress.of(request),
                        () -> media(captcha.image(request.pathVariable("id")), MediaType.IMAGE_PNG),
                        ForgottenCodeApiRoutes::tooManyDrawings))
                .GET(CAPTCHAS + "/{id}/audio", request -> issuance.within(ClientAddress.of(request),
                        () -> media(captcha.audio(request.pathVariable("id")), MediaType.parseMediaType("audio/wav")),
                        ForgottenCodeApiRoutes::tooManyDrawings))
                .POST("/api/v1/forgotten-code", request -> submit(request, forgotten))
                .build());
    }

    private static Mono<ServerResponse> submit(ServerRequest request, ForgottenCode forgotten) {
        return request.bodyToMono(ForgottenCodeRequest.class)
                .defaultIfEmpty(new ForgottenCodeRequest(null, null, null, null))
                .flatMap(body -> forgotten.submit(new ForgottenCode.Submission(text(body.nir()), text(body.dateNaissance()),
                        body.captchaId(), text(body.captcha())), ClientAddress.of(request)))
                .flatMap(result -> switch (result) {
                    case ForgottenCode.Result.Sent sent -> json(HttpStatus.ACCEPTED, new CodeSent(sent.maskedEmail()));
                    case ForgottenCode.Result.Invalid invalid -> {
                        ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_input",
                                "Some fields are invalid");
                        problem.setProperty("errors", invalid.errors());
                        yield Problems.respond(problem);
                    }
                    case ForgottenCode.Result.CaptchaRefused refused -> {
                        ProblemDetail problem = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "captcha_refused",
                                "Wrong or expired captcha answer; draw a new challenge");
                        problem.setProperty("errors", java.util.Map.of("captcha", refused.errorKey()));
                        yield Problems.respond(problem);
                    }
                    case ForgottenCode.Result.NoMatch noMatch -> {
                        // As on the page (« appelez le 3646 »): nothing says whether the person, the account or the
                        // address was missing.
                        ProblemDetail problem = Problems.of(HttpStatus.FORBIDDEN, "not_possible_online",
                                "No code can be sent online; call 3646");
                        problem.setProperty("alternatives", List.of("phone:3646"));
                        yield Problems.respond(problem);
                    }
                    case ForgottenCode.Result.Limited limited -> Problems.respond(Problems.of(HttpStatus.TOO_MANY_REQUESTS,
                            "too_many_attempts", "Too many requests; retry later"),
                            headers -> RetryAfter.set(headers, limited.retryAfter()));
                });
    }

    /** The image or audio of a live challenge; a problem 404 once it is used or expired. */
    private static Mono<ServerResponse> media(Mono<byte[]> bytes, MediaType type) {
        return bytes.flatMap(b -> ServerResponse.ok().contentType(type).cacheControl(CacheControl.noStore()).bodyValue(b))
                .switchIfEmpty(Mono.defer(() -> Problems.respond(Problems.of(HttpStatus.NOT_FOUND, "not_found",
                        "No such captcha challenge, or it is used or expired"))));
    }

    /** Too many captchas drawn from this address (idp.limits.captcha). */
    private static Mono<ServerResponse> tooManyDrawings(Duration wait) {
        return Problems.respond(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too_many_attempts",
                "Too many captchas drawn; retry later"), headers -> RetryAfter.set(headers, wait));
    }

    private static Mono<ServerResponse> json(HttpStatus status, Object body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .bodyValue(body);
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value;
    }
}
