package fr.ameli.idp.platform;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.http.client.ReactorResourceFactory;

/** The operator port, in the web application only (not in the registry import command). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class OperatorConfiguration {

    @Bean
    OperatorServer operatorServer(OperatorProperties properties, ObjectProvider<OperatorRoutes> routes,
            ObjectProvider<ReactorResourceFactory> resources, ConfigurableEnvironment environment) {
        return new OperatorServer(properties, routes, resources, environment);
    }
}
