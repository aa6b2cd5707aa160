package fr.ameli.idp.selfservice;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code emailChangeLinkValidity}: how long the link that confirms a new address works. */
@ConfigurationProperties("idp.self-service")
public record SelfServiceProperties(@DefaultValue("7d") Duration emailChangeLinkValidity) {
}
