package fr.ameli.idp.provisional;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.captcha.CaptchaIssuance;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.ClientAddress;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.RetryAfter;
import java.time.Duration;
import java.util.HashMap;
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

    @Bean
    RouterFunction<ServerResponse> forgottenCodeRouter(ForgottenCode forgotten, CaptchaChallenges captcha,
            CaptchaIssuance issuance, fr.ameli.idp.captcha.CaptchaProperties captchaProperties, IdpProperties idp) {
        Handlers h = new Handlers(forgotten, captcha, issuance, captchaProperties.ttl(), idp);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET(PATH, h::page)
                .POST(PATH, h::submit)
                .GET(PATH + "/captcha.png", request -> h.media(request, true))
                .GET(PATH + "/captcha.wav", request -> h.media(request, false))
                .build());
    }

    private record Handlers(ForgottenCode forgotten, CaptchaChallenges captcha, CaptchaIssuance issuance, Duration captchaTtl,
            IdpProperties idp) {

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
                ForgottenCode.Submission submission = new ForgottenCode.Submission(value(form, "nir"),
                        value(form, "dateNaissance"), handle(request), value(form, "captcha"));
                return forgotten.submit(submission, ClientAddress.of(request)).flatMap(result -> switch (result) {
                    // Nothing was checked: the same challenge stays valid (a browser without one gets one).
                    case ForgottenCode.Result.Invalid invalid -> submission.captchaHandle() == null
                            ? form(request, typed, invalid.errors(), HttpStatus.OK)
                            : form(request, typed, invalid.errors(), HttpStatus.OK, submission.captchaHandle());
                    case ForgottenCode.Result.CaptchaRefused refused ->
                            form(request, typed, Map.of("captcha", refused.errorKey()), HttpStatus.OK);
                    case ForgottenCode.Result.Sent sent -> Pages.render(request, HttpStatus.OK, "code-oublie/confirmation",
                            Map.of("emailMasque", sent.maskedEmail()), cookie("", Duration.ZERO));
                    case ForgottenCode.Result.NoMatch noMatch ->
                            Pages.render(request, HttpStatus.OK, "code-oublie/impossible", Map.of(), cookie("", Duration.ZERO));
                    case ForgottenCode.Result.Limited limited -> limited(request, limited.retryAfter());
                });
            });
        }

        /** The image or the audio of this browser's challenge; 404 once it is used or expired. */
        Mono<ServerResponse> media(ServerRequest request, boolean image) {
            String handle = handle(request);
            if (handle == null) {
                return ServerResponse.notFound().build();
            }
            return issuance.within(ClientAddress.of(request), () -> (image ? captcha.image(handle) : captcha.audio(handle))
                    .flatMap(bytes -> ServerResponse.ok()
                            .contentType(image ? MediaType.IMAGE_PNG : MediaType.parseMediaType("audio/wav"))
                            .cacheControl(CacheControl.noStore())
                            .bodyValue(bytes))
                    .switchIfEmpty(Mono.defer(() -> ServerResponse.notFound().build())),
                    wait -> ServerResponse.status(HttpStatus.TOO_MANY_REQUESTS).cacheControl(CacheControl.noStore())
                            .headers(headers -> RetryAfter.set(headers, wait)).build());
        }

        private Mono<ServerResponse> limited(ServerRequest request, Duration retryAfter) {
            return Pages.limited(request, retryAfter, "code-oublie/trop-de-demandes", Map.of());
        }

        private Mono<ServerResponse> form(ServerRequest request, Map<String, Object> typed, Map<String, String> fieldErrors,
                HttpStatus status) {
            return issuance.within(ClientAddress.of(request),
                    () -> captcha.issue().flatMap(handle -> form(request, typed, fieldErrors, status, handle)),
                    wait -> limited(request, wait));
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
