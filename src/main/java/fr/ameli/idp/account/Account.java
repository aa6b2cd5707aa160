package fr.ameli.idp.account;

import fr.ameli.idp.registry.Nir;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An ameli account. The password is only ever held as its hash, and {@code toString} omits it. */
public record Account(
        UUID id,
        Nir nir,
        AccountStatus status,
        @Nullable String passwordHash,
        @Nullable String email,
        @Nullable String federationSub,
        Instant createdAt,
        @Nullable Instant activatedAt) {

    public boolean active() {
        return status == AccountStatus.ACTIVE;
    }

    @Override
    public String toString() {
        return "Account[" + id + ", " + status + "]";
    }
}
