package fr.ameli.idp.web;

import fr.ameli.idp.session.LoginSessions;
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
    RouterFunction<ServerResponse> homeRouter(LoginSessions sessions) {
        return RouterFunctions.route()
                .GET("/", request -> sessions.current(request).hasElement()
                        .flatMap(connected -> Pages.render(request, "accueil", Map.of("connecte", connected))))
                .POST("/deconnexion", request -> sessions.end(request)
                        .flatMap(cleared -> ServerResponse.seeOther(java.net.URI.create("/")).cookie(cleared).build()))
                .build();
    }
}
