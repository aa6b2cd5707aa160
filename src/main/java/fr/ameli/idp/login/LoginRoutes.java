package fr.ameli.idp.login;

import fr.ameli.idp.oidc.authorize.AuthorizationFlow;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.web.error.ErrorRenderer;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import fr.ameli.idp.web.Pages;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The login page ("J'accède à mon compte ameli"): NIR + password or provisional code. On success the
 * session cookie is set and a waiting authorization request, if any, continues.
 */
@Configuration(proxyBeanMethods = false)
public class LoginRoutes {

    @Bean
    RouterFunction<ServerResponse> loginRouter(PasswordLogin login, LoginSessions sessions, AuthorizationFlow flow,
            ErrorRenderer errors) {
        Handlers h = new Handlers(login, sessions, flow, errors);
        return RouterFunctions.route()
                .GET("/login", h::page)
                .POST("/login", h::submit)
                .build();
    }

    private record Handlers(PasswordLogin login, LoginSessions sessions, AuthorizationFlow flow, ErrorRenderer errors) {

        Mono<ServerResponse> page(ServerRequest request) {
            String auth = request.queryParam("auth").orElse("");
            Mono<Void> known = auth.isEmpty() ? Mono.empty() : flow.pending(auth).then();
            return known.then(Mono.defer(() -> form(request, auth, null))).onErrorResume(errors::browser);
        }

        Mono<ServerResponse> submit(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String auth = value(form, "auth");
                String nir = value(form, "nir");
                String password = value(form, "password");
                if (nir.isBlank() || password.isEmpty()) {
                    return form(request, auth, "connexion.champs_obligatoires");
                }
                return login.check(nir, password).flatMap(result -> switch (result.outcome()) {
                    case INVALID -> form(request, auth, "connexion.identifiants_incorrects");
                    case PENDING -> form(request, auth, "connexion.compte_non_active");
                    case LOCKED -> form(request, auth, "connexion.compte_bloque");
                    case OK -> sessions.open(result.account().id(), List.of("pwd"), "eidas1", null)
                            .flatMap(opened -> (auth.isEmpty() ? Mono.just(URI.create("/"))
                                    : flow.resume(auth, opened.session()))
                                    .flatMap(target -> ServerResponse.seeOther(target).cookie(opened.cookie()).build()));
                });
            }).onErrorResume(errors::browser);
        }

        private Mono<ServerResponse> form(ServerRequest request, String auth, @Nullable String errorKey) {
            Map<String, Object> model = new HashMap<>();
            model.put("auth", auth);
            if (errorKey != null) {
                model.put("erreur", errorKey);
            }
            return Pages.render(request, "connexion", model);
        }

        private static String value(MultiValueMap<String, String> form, String name) {
            String v = form.getFirst(name);
            return v == null ? "" : v;
        }
    }
}
