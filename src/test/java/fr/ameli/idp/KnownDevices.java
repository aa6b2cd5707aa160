package fr.ameli.idp;

import fr.ameli.idp.platform.Secrets;
import java.time.Duration;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Makes a test browser one the account has already seen (as after a security code), so that flow tests about
 * something else are not interrupted by the code step; the code step has tests of its own.
 */
public final class KnownDevices {

    private KnownDevices() {
    }

    public static void remember(DatabaseClient db, TestBrowser browser, String nir13) {
        browser.setCookie("AMELI_DEVICE", remember(db, nir13));
    }

    /** Registers a device of the account and returns the value of its {@code AMELI_DEVICE} cookie. */
    public static String remember(DatabaseClient db, String nir13) {
        String token = Secrets.newHandle();
        db.sql("insert into known_device (token_hash, account_id, created_at, expires_at) "
                        + "select :hash, id, :now, :expires from account where nir = :nir")
                .bind("hash", Secrets.sha256(token))
                .bind("now", Instant.now())
                .bind("expires", Instant.now().plus(Duration.ofDays(1)))
                .bind("nir", nir13)
                .then().block();
        return token;
    }
}
