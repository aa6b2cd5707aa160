package fr.ameli.idp.enrollment;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.account.EmailConfirmations;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The French pages of account creation (« Je crée mon compte »), one URL per step, POST-redirect-GET.
 * The attempt is referenced by an HttpOnly cookie; a page of another step than the current one redirects
 * to the current one (back button, second tab, hand-typed URL).
 */
@Configuration(proxyBeanMethods = false)
public class EnrollmentRoutes {

    static final String COOKIE = "AMELI_ENROLLMENT";

    @Bean
    RouterFunction<ServerResponse> enrollmentRouter(EnrollmentService service, AccountActivation activation,
            IdpProperties idp, EnrollmentProperties properties, ErrorRenderer errors, ActivationRecovery recovery) {
        Handlers h = new Handlers(service, activation, idp, properties, recovery);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/inscription", h::start)
                .GET("/inscription/activation", h::activate)
                .POST("/inscription/recommencer", h::restart)
                .GET("/inscription/{step}", h::show)
                .POST("/inscription/{step}", h::submit)
                .build());
    }

    /** The cookie that refers to an attempt, for an attempt started elsewhere (the federated path). */
    public static ResponseCookie cookie(String handle, IdpProperties idp, EnrollmentProperties properties) {
        return ResponseCookie.from(COOKIE, handle).httpOnly(true).secure(idp.secure()).sameSite("Lax")
                .path("/inscription").maxAge(properties.ttl()).build();
    }

    private record Handlers(EnrollmentService service, AccountActivation activation, IdpProperties idp,
            EnrollmentProperties properties, ActivationRecovery recovery) {

        Mono<ServerResponse> start(ServerRequest request) {
            return current(request)
                    .flatMap(e -> redirect(e.step()))
                    .switchIfEmpty(Mono.defer(() -> page(request, EnrollmentStep.IDENTITY, Map.of(), Map.of(), Map.of(),
                            HttpStatus.OK)));
        }

        Mono<ServerResponse> show(ServerRequest request) {
            EnrollmentStep step = step(request);
            return current(request)
                    .flatMap(e -> e.step() != step ? redirect(e.step())
                            : service.model(e).flatMap(model -> page(request, step, model, Map.of(), failure(e), HttpStatus.OK)))
                    .switchIfEmpty(Mono.defer(() -> step == EnrollmentStep.IDENTITY ? redirectToStart() : expired(request)));
        }

        Mono<ServerResponse> submit(ServerRequest request) {
            EnrollmentStep step = step(request);
            return request.formData().flatMap(form -> {
                Map<String, String> fields = single(form);
                String handle = cookie(request);
                Mono<String> existing = handle == null || step != EnrollmentStep.IDENTITY
                        ? Mono.justOrEmpty(handle)
                        : service.find(handle).map(e -> handle);
                // The attempt starts with the first form: no row for people who only look at the page.
                return existing.map(Attempt::new)
                        .switchIfEmpty(Mono.defer(() -> step == EnrollmentStep.IDENTITY
                                ? service.startCarteVitale(Enrollment.Channel.WEB, fields.get("auth"))
                                        .map(started -> new Attempt(started.handle(), setCookie(started.handle())))
                                : Mono.empty()))
                        .flatMap(attempt -> service.submit(attempt.handle(), step, fields, ClientAddress.of(request))
                                .flatMap(result -> respond(request, step, result, attempt.cookies()))
                                .switchIfEmpty(Mono.defer(() -> expired(request, attempt.cookies()))))
                        .switchIfEmpty(Mono.defer(() -> expired(request)));
            });
        }

        Mono<ServerResponse> activate(ServerRequest request) {
            String token = request.queryParam("jeton").orElse("");
            return activation.activate(token).flatMap(result -> {
                Mono<ServerResponse> page = Pages.render(request,
                        result.outcome() == EmailConfirmations.Outcome.CONFIRMED ? HttpStatus.OK : HttpStatus.GONE,
                        "inscription/activation", Map.of("resultat", result.outcome().name().toLowerCase()));
                // A dead link of a PENDING account: a new one can be asked for (seed 001, « lien plus actif »).
                return result.outcome() == EmailConfirmations.Outcome.EXPIRED && result.accountId() != null
                        && result.purpose() == EmailConfirmations.Purpose.ACTIVATION
                        ? recovery.open(result.accountId())
                                .flatMap(handle -> ServerResponse.seeOther(URI.create(ActivationRecoveryRoutes.PATH))
                                        .cookie(ActivationRecoveryRoutes.cookie(handle, idp, properties)).build())
                                .switchIfEmpty(page)
                        : page;
            });
        }

        Mono<ServerResponse> restart(ServerRequest request) {
            return ServerResponse.seeOther(URI.create("/inscription")).cookie(clearCookie()).build();
        }

        /** The page or the redirect a submission leads to, with the cookie of an attempt it has just started. */
        private Mono<ServerResponse> respond(ServerRequest request, EnrollmentStep posted, EnrollmentService.Result result,
                ResponseCookie... cookies) {
            return switch (result) {
                case EnrollmentService.Result.Limited limited -> service.model(limited.enrollment())
                        .flatMap(model -> Pages.limited(request, limited.retryAfter(), "inscription/" + posted.slug(),
                                pageModel(request, posted, model, Map.of("_global", "inscription.trop_de_tentatives"),
                                        Map.of()), cookies));
                case EnrollmentService.Result.Rejected rejected -> service.model(rejected.enrollment())
                        .flatMap(model -> page(request, posted, model, rejected.errors(), rejected.model(), HttpStatus.OK,
                                cookies));
                // Saved, and still on the same step (a link sent again): say so on the page.
                case EnrollmentService.Result.Moved moved when moved.enrollment().step() == posted ->
                        seeOther("/inscription/" + posted.slug() + "?renvoye", cookies);
                case EnrollmentService.Result.Moved moved -> redirect(moved.enrollment().step(), cookies);
                case EnrollmentService.Result.OutOfStep outOfStep -> redirect(outOfStep.enrollment().step(), cookies);
            };
        }

        /** The attempt a submission goes to, and the cookie to set when the submission has just started it. */
        private record Attempt(String handle, ResponseCookie... cookies) {
        }

        private Mono<ServerResponse> page(ServerRequest request, EnrollmentStep step, Map<String, Object> model,
                Map<String, String> errors, Map<String, Object> extra, HttpStatus status, ResponseCookie... cookies) {
            return Pages.render(request, status, "inscription/" + step.slug(), pageModel(request, step, model, errors, extra),
                    cookies);
        }

        private static Map<String, Object> pageModel(ServerRequest request, EnrollmentStep step, Map<String, Object> model,
                Map<String, String> errors, Map<String, Object> extra) {
            Map<String, Object> all = new HashMap<>(model);
            all.putAll(extra);
            all.put("erreurs", errors);
            all.put("etape", step.slug());
            all.put("numeroEtape", progress(step));
            all.put("renvoye", request.queryParam("renvoye").isPresent());
            all.putIfAbsent("auth", request.queryParam("auth").orElse(""));
            return all;
        }

        private static Map<String, Object> failure(Enrollment e) {
            return e.failure() == null ? Map.of() : Map.of("motif", e.failure().code());
        }

        /** « Étape 1 > Étape 2 > Étape 3 »: identification, then CGU and password, then contact details. */
        private static int progress(EnrollmentStep step) {
            return switch (step) {
                case IDENTITY, PROOF -> 1;
                case CGU, PASSWORD -> 2;
                case CONTACT -> 3;
                case EMAIL_CONFIRMATION, FAILED -> 4;
            };
        }

        private Mono<Enrollment> current(ServerRequest request) {
            String handle = cookie(request);
            return handle == null ? Mono.empty() : service.find(handle);
        }

        private static String cookie(ServerRequest request) {
            HttpCookie c = request.cookies().getFirst(COOKIE);
            return c == null || c.getValue().isBlank() ? null : c.getValue();
        }

        private static EnrollmentStep step(ServerRequest request) {
            try {
                return EnrollmentStep.fromSlug(request.pathVariable("step"));
            } catch (IllegalArgumentException e) {
                throw new org.springframework.web.server.ResponseStatusException(HttpStatus.NOT_FOUND);
            }
        }

        private static Mono<ServerResponse> redirect(EnrollmentStep step, ResponseCookie... cookies) {
            return seeOther("/inscription/" + step.slug(), cookies);
        }

        private static Mono<ServerResponse> seeOther(String location, ResponseCookie... cookies) {
            ServerResponse.BodyBuilder response = ServerResponse.seeOther(URI.create(location));
            for (ResponseCookie cookie : cookies) {
                response.cookie(cookie);
            }
            return response.build();
        }

        private static Mono<ServerResponse> redirectToStart() {
            return ServerResponse.seeOther(URI.create("/inscription")).build();
        }

        private Mono<ServerResponse> expired(ServerRequest request, ResponseCookie... cookies) {
            return Pages.render(request, HttpStatus.GONE, "inscription/expiree", Map.of(), cookies);
        }

        private ResponseCookie setCookie(String handle) {
            return EnrollmentRoutes.cookie(handle, idp, properties);
        }

        private ResponseCookie clearCookie() {
            return ResponseCookie.from(COOKIE, "").httpOnly(true).secure(idp.secure()).sameSite("Lax")
                    .path("/inscription").maxAge(Duration.ZERO).build();
        }

        private static Map<String, String> single(MultiValueMap<String, String> form) {
            Map<String, String> fields = new HashMap<>();
            form.forEach((k, v) -> {
                if (!v.isEmpty() && v.get(0) != null) {
                    fields.put(k, v.get(0));
                }
            });
            return fields;
        }
    }
}
