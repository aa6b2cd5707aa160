package fr.ameli.idp.web;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;

/**
 * The management port serves the actuator only. Its server is built from a child of the application's context, and
 * WebFlux takes the handler and the handler decorators of the parent context too: without this, every page and
 * endpoint of the service (login, userinfo, the JWKS…) also answered on the management port, where the NetworkPolicy
 * admits the monitoring namespace and no ingress stands in front — so a client there could, for one, write the
 * {@code X-Forwarded-For} that the rate limits of logins trust as the ingress's (TrustedProxyHeaders). Anything but
 * the actuator's base path gets a 404 there, before any other decorator or filter (so would a health group's
 * {@code additional-path} on the management port: none is configured).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementPortOnlyActuator {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    HttpHandlerDecoratorFactory onlyActuatorOnManagementPort(WebEndpointProperties endpoints) {
        String base = endpoints.getBasePath();
        if (base.isEmpty() || base.equals("/")) {
            // The child context would serve the application's pages beside the endpoints again.
            throw new IllegalStateException("management.endpoints.web.base-path must not be the root with a management "
                    + "port of its own: the port would serve the service's pages too");
        }
        return next -> (request, response) -> {
            String path = request.getPath().pathWithinApplication().value();
            if (path.equals(base) || path.startsWith(base + "/")) {
                return next.handle(request, response);
            }
            response.setStatusCode(HttpStatus.NOT_FOUND);
            return response.setComplete();
        };
    }
}
