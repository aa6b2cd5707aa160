package fr.ameli.idp;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.platform.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

/** Access tokens stored as the token endpoint stores them, for the tests of what presents one (userinfo). */
public final class TestAccessTokens {

    /** Person 1 of DEMO-DATA.md, whose account the demo data creates. */
    public static final String PERSON_1 = "2850575112034";

    private TestAccessTokens() {
    }

    /**
     * A new access token of person 1 for {@code clientId}, valid for {@code lifetime} from {@code clock}'s now
     * (already expired if negative), revoked or not, bound to the DPoP key {@code dpopJkt} or not.
     */
    public static String issue(DatabaseClient db, Clock clock, String clientId, String scope, Duration lifetime,
            boolean revoked, @Nullable String dpopJkt) {
        String token = UUID.randomUUID() + "." + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        DatabaseClient.GenericExecuteSpec insert = db.sql("""
                insert into access_token (token_hash, client_id, account_id, scope, expires_at, revoked_at, dpop_jkt)
                select :hash, :client, id, :scope, :expires, :revoked, :jkt from account where nir = :nir""")
                .bind("hash", Secrets.sha256(token)).bind("client", clientId).bind("scope", scope)
                .bind("expires", now.plus(lifetime)).bind("nir", PERSON_1);
        insert = revoked ? insert.bind("revoked", now) : insert.bindNull("revoked", OffsetDateTime.class);
        insert = dpopJkt != null ? insert.bind("jkt", dpopJkt) : insert.bindNull("jkt", String.class);
        assertThat(insert.fetch().rowsUpdated().block()).as("person 1's account exists").isEqualTo(1L);
        return token;
    }
}
