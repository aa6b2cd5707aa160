package fr.ameli.idp.session;

import java.util.regex.Pattern;

/**
 * How every end of a login session is written (RP-initiated logout, « Se déconnecter », a password change that ends
 * the other sessions, the retention sweep of expired ones): one statement deletes the sessions and, in the same
 * statement, queues a logout token (Back-Channel Logout 1.0) for each relying party the session signed in to that
 * registered a {@code backchannel_logout_uri}. The tokens exist if and only if the sessions are gone; they are
 * signed and sent later, by {@code oidc.logout.BackchannelLogouts}, never while the request waits.
 */
public final class SessionEnd {

    private static final Pattern DELETE = Pattern.compile("(?s)\\s*delete from login_session\\b.*");

    private SessionEnd() {
    }

    /**
     * The statement that runs {@code delete} (a {@code delete from login_session where ...} without {@code returning})
     * and queues the logout tokens of the sessions it deletes. It has the parameters of {@code delete} plus
     * {@code :now}, and answers one row: {@code ended}, the number of sessions deleted.
     */
    public static String statement(String delete) {
        if (!DELETE.matcher(delete).matches() || delete.contains("returning")) {
            throw new IllegalArgumentException("not a delete from login_session: " + delete);
        }
        return "with ended as (" + delete + " returning id_hash, account_id, client_ids), "
                + "queued as (insert into backchannel_logout (id, client_id, account_id, sid, created_at, next_attempt_at) "
                + "select gen_random_uuid(), rp.client_id, e.account_id, session_sid(e.id_hash, rp.client_id), :now, :now "
                + "from ended e join relying_party rp on rp.client_id = any(e.client_ids) "
                + "where rp.backchannel_logout_uri is not null) "
                + "select count(*) as ended from ended";
    }
}
