package fr.ameli.idp.web;

import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.federation.FederationLogout;
import fr.ameli.idp.session.LoginSessions;
import java.net.URI;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The home page (the services of SPEC 3.6 as links) and logging out of the account itself. */
@Configuration(proxyBeanMethods = false)
class HomeRoutes {

    @Bean
    RouterFunction<ServerResponse> homeRouter(LoginSessions sessions, FederationLogout federation) {
        URI home = URI.create("/");
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                .GET("/", request -> sessions.current(request).hasElement()
                        .flatMap(connected -> Pages.render(request, "accueil", Map.of("connecte", connected))))
                // A session opened through the provider is ended there too, then the browser comes back home.
                .POST("/deconnexion", request -> sessions.current(request)
                        .flatMap(session -> federation.endAtProvider(session, home))
                        .defaultIfEmpty(home)
                        .flatMap(target -> sessions.end(request)
                                .flatMap(cleared -> ServerResponse.seeOther(target).cookie(cleared).build())))
                .build());
    }
}
