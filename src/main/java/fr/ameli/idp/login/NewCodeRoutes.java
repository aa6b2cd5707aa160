package fr.ameli.idp.login;

import fr.ameli.idp.oidc.authorize.AuthorizationFlow;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.List;
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
 * « Modifier mon code personnel » (seed 003, steps 6–8): after logging in with a provisional code, an account
 * holder must choose a new personal code (twice, the rules of SPEC 3.2.5) before anything else; no session is
 * opened until it is set. Until then the old password still works; from then on only the new one does. Then
 * « Votre nouveau code est enregistré », and the person is logged in (or goes back to the relying party).
 */
@Configuration(proxyBeanMethods = false)
class NewCodeRoutes {

    static final String PATH = "/login/nouveau-code";

    @Bean
    RouterFunction<ServerResponse> newCodeRouter(ProvisionalCodes codes, ProvisionalLogin provisional, PersonalCodeReset resets,
            LoginSessions sessions, SecurityCodes devices, AuthorizationFlow flow, ErrorRenderer errors) {
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET(PATH, request -> codes.reset(ProvisionalLogin.resetHandle(request))
                        .flatMap(reset -> page(request, Map.of()))
                        .switchIfEmpty(Mono.defer(() -> expired(errors))))
                .POST(PATH, request -> request.formData().flatMap(form -> codes.reset(ProvisionalLogin.resetHandle(request))
                        .flatMap(reset -> resets.choose(reset, valueOf(form.getFirst("motDePasse")),
                                        valueOf(form.getFirst("confirmation")))
                                .flatMap(result -> switch (result) {
                                    case PersonalCodeReset.Result.Refused refused -> page(request,
                                            Map.of("violations", refused.violations(), "force", refused.strength()));
                                    case PersonalCodeReset.Result.Changed changed -> loggedIn(request, changed.accountId(),
                                            reset, sessions, devices, flow, provisional);
                                }))
                        .switchIfEmpty(Mono.defer(() -> expired(errors)))))
                .GET(PATH + "/enregistre", request -> Pages.render(request, "nouveau-code-enregistre", Map.of()))
                .build());
    }

    /**
     * Opens the session: the code proved the person received it (by mail, or in person at the counter), so this
     * browser is also remembered like after a security code. Back to the relying party if one was waiting.
     */
    private static Mono<ServerResponse> loggedIn(ServerRequest request, java.util.UUID accountId, ProvisionalCodes.Reset reset,
            LoginSessions sessions, SecurityCodes devices, AuthorizationFlow flow, ProvisionalLogin provisional) {
        List<String> amr = reset.origin() == ProvisionalCodes.Origin.FORGOTTEN ? List.of("pwd", "mail") : List.of("pwd");
        LoginSessions.NewSession opening = sessions.draw(accountId, amr, "eidas1", null);
        return devices.rememberDevice(accountId)
                .flatMap(device -> (reset.pendingAuthorizationId() == null
                        ? sessions.open(opening).thenReturn(URI.create(PATH + "/enregistre"))
                        : flow.resume(reset.pendingAuthorizationId(), opening))
                        .flatMap(target -> ServerResponse.seeOther(target).cookie(opening.cookie()).cookie(device)
                                .cookie(provisional.clearReset()).build()));
    }

    private static Mono<ServerResponse> page(ServerRequest request, Map<String, Object> model) {
        return Pages.render(request, "nouveau-code", model);
    }

    private static Mono<ServerResponse> expired(ErrorRenderer errors) {
        return errors.page("nouveau_code.expire", HttpStatus.GONE);
    }

    private static String valueOf(String v) {
        return v == null ? "" : v;
    }
}
