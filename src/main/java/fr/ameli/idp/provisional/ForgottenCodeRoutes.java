package fr.ameli.idp.provisional;

import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.InvalidBirthDateException;
import fr.ameli.idp.registry.InvalidNirException;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The French pages of « Code oublié ? » (seed 003, seed 001 for the captcha): the form (NIR, birth date, the
 * characters of the image — or of the audio — and a control for another image), the confirmation with the
 * masked address, « appelez le 3646 », and a 429 page beyond the limits. The captcha handle lives in an HttpOnly
 * cookie scoped to these pages; a wrong or expired answer gets a fresh challenge.
 */
@Configuration(proxyBeanMethods = false)
class ForgottenCodeRoutes {

    static final String COOKIE = "AMELI_CAPTCHA";
    private static final String PATH = "/code-oublie";
    private static final ZoneId FRANCE = ZoneId.of("Europe/Paris");

    @Bean
    RouterFunction<ServerResponse> forgottenCodeRouter(ForgottenCode forgotten, CaptchaChallenges captcha,
            fr.ameli.idp.captcha.CaptchaProperties captchaProperties, IdpProperties idp, Clock clock, ErrorRenderer errors) {
        Handlers h = new Handlers(forgotten, captcha, captchaProperties.ttl(), idp, clock);
        return RouterFunctions.route()
                .GET(PATH, h::page)
                .POST(PATH, h::submit)
                .GET(PATH + "/captcha.png", request -> h.media(request, true))
                .GET(PATH + "/captcha.wav", request -> h.media(request, false))
                .filter((request, next) -> next.handle(request).onErrorResume(errors::browser))
                .build();
    }

    private record Handlers(ForgottenCode forgotten, CaptchaChallenges captcha, Duration captchaTtl, IdpProperties idp,
            Clock clock) {

        Mono<ServerResponse> page(ServerRequest request) {
            return form(request, Map.of(), Map.of(), HttpStatus.OK);
        }

        Mono<ServerResponse> submit(ServerRequest request) {
            return request.formData().flatMap(form -> {
                Map<String, Object> typed = new HashMap<>();
                typed.put("nir", value(form, "nir"));
                typed.put("dateNaissance", value(form, "dateNaissance"));
                if ("nouvelle-image".equals(form.getFirst("action"))) {
                    return form(request, typed, Map.of(), HttpStatus.OK);
                }
                Map<String, String> fieldErrors = new LinkedHashMap<>();
                Nir nir = nir(value(form, "nir"), fieldErrors);
                BirthDate birthDate = birthDate(value(form, "dateNaissance"), fieldErrors);
                if (value(form, "captcha").isBlank()) {
                    fieldErrors.put("captcha", "oubli.captcha.obligatoire");
                }
                if (!fieldErrors.isEmpty() || nir == null || birthDate == null) {
                    // Nothing was checked: the same challenge stays valid (a browser without one gets one).
                    String handle = handle(request);
                    return handle == null ? form(request, typed, fieldErrors, HttpStatus.OK)
                            : form(request, typed, fieldErrors, HttpStatus.OK, handle);
                }
                return forgotten.allowAddress(ClientAddress.of(request)).flatMap(allowed -> !allowed ? limited(request)
                        : captcha.check(handle(request), value(form, "captcha")).flatMap(outcome -> switch (outcome) {
                            case WRONG -> form(request, typed, Map.of("captcha", "oubli.captcha.incorrect"), HttpStatus.OK);
                            case EXPIRED -> form(request, typed, Map.of("captcha", "oubli.captcha.expire"), HttpStatus.OK);
                            case VALID -> forgotten.request(nir, birthDate).flatMap(result -> respond(request, result));
                        }));
            });
        }

        /** The image or the audio of this browser's challenge; 404 once it is used or expired. */
        Mono<ServerResponse> media(ServerRequest request, boolean image) {
            String handle = handle(request);
            if (handle == null) {
                return ServerResponse.notFound().build();
            }
            return (image ? captcha.image(handle) : captcha.audio(handle))
                    .flatMap(bytes -> ServerResponse.ok()
                            .contentType(image ? MediaType.IMAGE_PNG : MediaType.parseMediaType("audio/wav"))
                            .cacheControl(CacheControl.noStore())
                            .bodyValue(bytes))
                    .switchIfEmpty(Mono.defer(() -> ServerResponse.notFound().build()));
        }

        private Mono<ServerResponse> respond(ServerRequest request, ForgottenCode.Result result) {
            return switch (result) {
                case ForgottenCode.Result.Sent sent -> Pages.render(request, HttpStatus.OK, "code-oublie/confirmation",
                        Map.of("emailMasque", sent.maskedEmail()), cookie("", Duration.ZERO));
                case ForgottenCode.Result.NoMatch noMatch ->
                        Pages.render(request, HttpStatus.OK, "code-oublie/impossible", Map.of(), cookie("", Duration.ZERO));
                case ForgottenCode.Result.Limited limited -> limited(request);
            };
        }

        private Mono<ServerResponse> limited(ServerRequest request) {
            return Pages.render(request, HttpStatus.TOO_MANY_REQUESTS, "code-oublie/trop-de-demandes", Map.of());
        }

        private Mono<ServerResponse> form(ServerRequest request, Map<String, Object> typed, Map<String, String> fieldErrors,
                HttpStatus status) {
            return captcha.issue().flatMap(handle -> form(request, typed, fieldErrors, status, handle));
        }

        private Mono<ServerResponse> form(ServerRequest request, Map<String, Object> typed, Map<String, String> fieldErrors,
                HttpStatus status, @Nullable String handle) {
            Map<String, Object> model = new HashMap<>(typed);
            model.put("erreurs", fieldErrors);
            // Changes with every challenge, so that the browser fetches the new image.
            model.put("version", handle == null ? "" : Secrets.base64Url(Secrets.sha256(handle)).substring(0, 8));
            model.put("minutes", captchaTtl.toMinutes());
            return handle == null ? Pages.render(request, status, "code-oublie/formulaire", model)
                    : Pages.render(request, status, "code-oublie/formulaire", model, cookie(handle, captchaTtl));
        }

        private @Nullable Nir nir(String raw, Map<String, String> fieldErrors) {
            if (raw.isBlank()) {
                fieldErrors.put("nir", "inscription.nir.obligatoire");
                return null;
            }
            try {
                return Nir.parse(raw);
            } catch (InvalidNirException e) {
                fieldErrors.put("nir", "inscription.nir.invalide");
                return null;
            }
        }

        private @Nullable BirthDate birthDate(String raw, Map<String, String> fieldErrors) {
            try {
                return BirthDate.parseFrench(raw, LocalDate.ofInstant(clock.instant(), FRANCE));
            } catch (InvalidBirthDateException e) {
                fieldErrors.put("dateNaissance", e.reason() == InvalidBirthDateException.Reason.EMPTY
                        ? "inscription.date.obligatoire" : "inscription.date.invalide");
                return null;
            }
        }

        private static @Nullable String handle(ServerRequest request) {
            HttpCookie c = request.cookies().getFirst(COOKIE);
            return c == null || c.getValue().isBlank() ? null : c.getValue();
        }

        private ResponseCookie cookie(String value, Duration maxAge) {
            return ResponseCookie.from(COOKIE, value).httpOnly(true).secure(idp.secure()).sameSite("Lax").path(PATH)
                    .maxAge(maxAge).build();
        }

        private static String value(MultiValueMap<String, String> form, String name) {
            String v = form.getFirst(name);
            return v == null ? "" : v;
        }
    }
}
