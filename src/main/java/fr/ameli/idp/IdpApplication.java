package fr.ameli.idp;

import fr.ameli.idp.platform.EventLoops;
import fr.ameli.idp.registry.RegistryImportCommand;
import fr.ameli.idp.token.SignatureProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
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
            // Operator run mode: import, report, exit; no web server.
            app.setWebApplicationType(WebApplicationType.NONE);
            System.exit(SpringApplication.exit(app.run(args)));
        }
        app.run(args);
    }
}
