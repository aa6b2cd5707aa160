package fr.ameli.idp.captcha;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** A challenge lives {@code ttl} (5 minutes in the guide) and has {@code length} characters. */
@ConfigurationProperties("idp.captcha")
public record CaptchaProperties(@DefaultValue("5m") Duration ttl, @DefaultValue("6") int length) {

    public CaptchaProperties {
        if (length < 4 || length > 10) {
            throw new IllegalArgumentException("idp.captcha.length must be between 4 and 10");
        }
    }
}
