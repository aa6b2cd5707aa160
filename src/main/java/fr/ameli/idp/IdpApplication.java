package fr.ameli.idp;

import fr.ameli.idp.platform.EventLoops;
import fr.ameli.idp.registry.RegistryImportCommand;
import fr.ameli.idp.token.SignatureProvider;
import org.springframework.aot.AotDetector;
import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.web.context.reactive.AnnotationConfigReactiveWebApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * {@code @SpringBootApplication}'s three annotations, with one more exclusion from the component scan: the
 * configurations of the management port's child context ({@link ManagementContextConfiguration}, listed in
 * {@code META-INF/spring/…ManagementContextConfiguration.imports}), which would otherwise apply to the application's
 * own context as well.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ManagementContextConfiguration.class)})
@ConfigurationPropertiesScan
public class IdpApplication {

    public static void main(String[] args) {
        EventLoops.onePerCore();
        SpringApplication app = new SpringApplication(IdpApplication.class);
        // Side by side with the context's start: the first signing key waits for it otherwise (0.3-0.4 s).
        SignatureProvider.loadInBackground();
        if (RegistryImportCommand.requested(args)) {
            // Operator run mode: import, report, exit; no web server. The service's reactive web context (its beans
            // need WebFlux's, ServerCodecConfigurer first) without the server: the class Spring's tests use. Not on
            // Spring AOT's bean definitions, which are those of the service with its servers (the image starts every
            // run with -Dspring.aot.enabled=true).
            System.setProperty(AotDetector.AOT_ENABLED, "false");
            app.setWebApplicationType(WebApplicationType.REACTIVE);
            app.setApplicationContextFactory(ApplicationContextFactory.ofContextClass(
                    AnnotationConfigReactiveWebApplicationContext.class));
            System.exit(SpringApplication.exit(app.run(args)));
        }
        app.run(args);
    }
}
