package fr.ameli.idp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionEndTests {

    @Test
    void statementWhenADeleteOfSessionsThenQueuesTheirLogoutTokensInTheSameStatement() {
        String sql = SessionEnd.statement("delete from login_session where account_id = :account");
        assertThat(sql).startsWith("with ended as (delete from login_session where account_id = :account returning ")
                .contains("insert into backchannel_logout").contains("backchannel_logout_uri is not null")
                .contains("session_sid(e.id_hash, rp.client_id)").endsWith("select count(*) as ended from ended");
    }

    @Test
    void statementWhenNotADeleteOfSessionsThenRefused() {
        assertThatThrownBy(() -> SessionEnd.statement("delete from account where id = :id"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionEnd.statement("delete from login_session where id_hash = :id returning id_hash"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
