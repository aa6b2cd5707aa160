package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.EmailAddress;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * « Validation de mon email » once the link is dead (seed 001): the page says where the activation stands and
 * offers what the phase allows — resend to the same address or to another one, or type a new address once the
 * old one is forgotten. Reached from a dead link or from the login form; POST-redirect-GET.
 */
@Configuration(proxyBeanMethods = false)
public class ActivationRecoveryRoutes {

    public static final String COOKIE = "AMELI_VALIDATION";
    static final String PATH = "/validation-email";

    @Bean
    RouterFunction<ServerResponse> activationRecoveryRouter(ActivationRecovery recovery, ErrorRenderer errors) {
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET(PATH, request -> show(request, recovery, Map.of(), Map.of(), errors))
                .POST(PATH, request -> request.formData().flatMap(form -> {
                    boolean other = "autre".equals(form.getFirst("action"));
                    Mono<ActivationRecovery.Sent> sent = other
                            ? recovery.sendToOther(handle(request), form.getFirst("email"), form.getFirst("emailConfirmation"))
                            : recovery.resendSame(handle(request));
                    return sent.flatMap(result -> switch (result) {
                        case ActivationRecovery.Sent.Done done ->
                                ServerResponse.seeOther(URI.create(PATH + "?envoye")).build();
                        case ActivationRecovery.Sent.Invalid invalid -> {
                            Map<String, Object> typed = new HashMap<>();
                            typed.put("email", value(form.getFirst("email")));
                            typed.put("emailConfirmation", value(form.getFirst("emailConfirmation")));
                            typed.put("autre", other);
                            yield show(request, recovery, invalid.errors(), typed, errors);
                        }
                        case ActivationRecovery.Sent.Gone gone -> gone(errors);
                    });
                }))
                .build());
    }

    /** The cookie that lets this browser ask for a new link, for a handle from {@link ActivationRecovery#open}. */
    public static ResponseCookie cookie(String handle, IdpProperties idp, EnrollmentProperties properties) {
        return ResponseCookie.from(COOKIE, handle).httpOnly(true).secure(idp.secure()).sameSite("Lax").path(PATH)
                .maxAge(properties.recoveryTtl()).build();
    }

    private static @Nullable String handle(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    private static Mono<ServerResponse> show(ServerRequest request, ActivationRecovery recovery, Map<String, String> fieldErrors,
            Map<String, Object> typed, ErrorRenderer errors) {
        return recovery.state(handle(request)).flatMap(state -> {
            Map<String, Object> model = new HashMap<>(typed);
            model.put("phase", state.phase().name().toLowerCase(Locale.ROOT));
            model.put("emailMasque", state.account().email() == null ? null
                    : EmailAddress.parse(state.account().email()).masked());
            model.put("validiteJours", state.windows().validity().toDays());
            model.put("envoye", request.queryParam("envoye").isPresent());
            model.put("erreurs", fieldErrors);
            return Pages.render(request, "inscription/validation-email", model);
        }).switchIfEmpty(Mono.defer(() -> gone(errors)));
    }

    private static Mono<ServerResponse> gone(ErrorRenderer errors) {
        return errors.page("validation.expiree", HttpStatus.GONE);
    }

    private static String value(@Nullable String v) {
        return v == null ? "" : v;
    }
}
