package fr.ameli.idp.client;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Relying parties registered from {@code config/} at start-up: {@code idp.clients} always, the demo ones with the demo data. */
@ConfigurationProperties("idp")
public record ClientRegistrationProperties(@Nullable List<ClientProperties> clients, @Nullable Demo demo) {

    public record Demo(boolean enabled, @Nullable List<ClientProperties> clients) {
    }

    List<ClientProperties> toRegister() {
        List<ClientProperties> all = new java.util.ArrayList<>(clients == null ? List.of() : clients);
        if (demo != null && demo.enabled() && demo.clients() != null) {
            all.addAll(demo.clients());
        }
        return all;
    }
}
