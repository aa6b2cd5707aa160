package fr.ameli.idp.federation;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.TestBrowser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/** Shared steps of the federation flow tests. */
final class FederationTestSupport {

    static final String PERSON_3_NIR = "1790613055042";
    static final String PERSON_1_NIR = "2850575112034";

    private FederationTestSupport() {
    }

    /** Our redirect to the provider, as the provider would read it. */
    record AuthorizationRedirect(URI location, Map<String, String> params) {
        String state() {
            return params.get("state");
        }

        String nonce() {
            return params.get("nonce");
        }
    }

    static AuthorizationRedirect toProvider(TestBrowser.Response response, String authorizationEndpoint) {
        assertThat(response.status()).as("redirect to the provider; body: %s", response.body()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(response.location().toString()).startsWith(authorizationEndpoint + "?");
        return new AuthorizationRedirect(response.location(), query(response.location()));
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        UriComponentsBuilder.fromUri(uri).build().getQueryParams().forEach((name, values) -> {
            List<String> decoded = values.stream().map(v -> v == null ? "" : UriUtils.decode(v, StandardCharsets.UTF_8)).toList();
            params.put(name, decoded.get(0));
        });
        return params;
    }

    /** The rows a failed attempt must not have written. */
    record Written(long accounts, long enrollments, long sessions, long links, long linkedAccounts) {
        static Written now(DatabaseClient db) {
            return new Written(count(db, "select count(*) from account"), count(db, "select count(*) from enrollment"),
                    count(db, "select count(*) from login_session"), count(db, "select count(*) from federation_link"),
                    count(db, "select count(*) from account where federation_sub is not null"));
        }
    }

    static long count(DatabaseClient db, String sql) {
        return db.sql(sql).map(row -> row.get(0, Long.class)).one().block();
    }

    /** Person 3 without account nor attempt, person 1 unlinked: the state every federation test starts from. */
    static void resetDemoPeople(DatabaseClient db) {
        db.sql("delete from enrollment where nir = '" + PERSON_3_NIR + "'").then().block();
        db.sql("delete from account where nir = '" + PERSON_3_NIR + "'").then().block();
        db.sql("update account set federation_sub = null where nir = '" + PERSON_1_NIR + "'").then().block();
    }
}
