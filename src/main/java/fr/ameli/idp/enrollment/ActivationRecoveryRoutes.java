package fr.ameli.idp.enrollment;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
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
class ActivationRecoveryRoutes {

    @Bean
    RouterFunction<ServerResponse> activationRecoveryRouter(ActivationRecovery recovery, ErrorRenderer errors) {
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET(ActivationRecovery.PATH, request -> show(request, recovery, Map.of(), Map.of(), errors))
                .POST(ActivationRecovery.PATH, request -> request.formData().flatMap(form -> {
                    Mono<ActivationRecovery.Sent> sent = "autre".equals(form.getFirst("action"))
                            ? recovery.sendToOther(request, form.getFirst("email"), form.getFirst("emailConfirmation"))
                            : recovery.resendSame(request);
                    return sent.flatMap(result -> {
                        if (result instanceof ActivationRecovery.Sent.Done) {
                            return ServerResponse.seeOther(URI.create(ActivationRecovery.PATH + "?envoye")).build();
                        }
                        if (result instanceof ActivationRecovery.Sent.Invalid invalid) {
                            Map<String, Object> typed = new HashMap<>();
                            typed.put("email", value(form.getFirst("email")));
                            typed.put("emailConfirmation", value(form.getFirst("emailConfirmation")));
                            typed.put("autre", "autre".equals(form.getFirst("action")));
                            return show(request, recovery, invalid.errors(), typed, errors);
                        }
                        return gone(errors);
                    });
                }))
                .build());
    }

    private static Mono<ServerResponse> show(ServerRequest request, ActivationRecovery recovery, Map<String, String> fieldErrors,
            Map<String, Object> typed, ErrorRenderer errors) {
        return recovery.state(request).flatMap(state -> {
            Map<String, Object> model = new HashMap<>(typed);
            model.put("phase", state.phase().name().toLowerCase(Locale.ROOT));
            model.put("emailMasque", state.account().email() == null ? null
                    : fr.ameli.idp.account.EmailAddress.parse(state.account().email()).masked());
            model.put("validiteJours", state.windows().validity().toDays());
            model.put("envoye", request.queryParam("envoye").isPresent());
            model.put("erreurs", fieldErrors);
            return Pages.render(request, "inscription/validation-email", model);
        }).switchIfEmpty(Mono.defer(() -> gone(errors)));
    }

    private static Mono<ServerResponse> gone(ErrorRenderer errors) {
        return errors.page("validation.expiree", HttpStatus.GONE);
    }

    private static String value(String v) {
        return v == null ? "" : v;
    }
}
