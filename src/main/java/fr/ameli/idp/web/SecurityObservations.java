package fr.ameli.idp.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * No Micrometer observation around each of Spring Security's web filters. With an {@code ObservationRegistry} in the
 * context (Actuator), Spring Security wraps its chain and every filter in observations: a span and timers per filter,
 * per request. Here Spring Security authenticates nobody (see {@link SecurityConfiguration}): those observations
 * would measure header writers and the CSRF check, at a cost a profile of the hot paths showed (Micrometer frames in
 * every request). The request as a whole is still observed ({@code http.server.requests}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityObservations {

    @Bean
    SecurityObservationSettings noSpringSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }
}
