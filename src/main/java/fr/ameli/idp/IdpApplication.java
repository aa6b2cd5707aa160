package fr.ameli.idp;

import fr.ameli.idp.platform.EventLoops;
import fr.ameli.idp.registry.RegistryImportCommand;
import fr.ameli.idp.token.SignatureProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
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
