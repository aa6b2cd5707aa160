-- Retention (issue 10 #12). The sweep (RetentionSweep) deletes dead rows every minute, table by table, picking
-- at most a batch of them by the condition of its rule: each condition needs an index. The tables swept by
-- expires_at alone already have one (V3, V6 to V9), except these two.
create index client_assertion_expiry on client_assertion (expires_at);
create index known_device_expiry on known_device (expires_at);
-- Dead when both the link and the address it holds are over (forget_at: provisional-code path only).
create index email_confirmation_end on email_confirmation (greatest(expires_at, forget_at));
-- Dead once expired, superseded or consumed, whichever comes first.
create index provisional_code_end on provisional_code (least(expires_at, superseded_at, consumed_at));
-- Sent mails are kept a while, then go; so do mails never sent (their links are dead by then).
create index mail_outbox_sent on mail_outbox (sent_at) where sent_at is not null;
create index mail_outbox_unsent on mail_outbox (created_at) where sent_at is null;

-- Bounded lengths of what requests put in the database (the request is refused before it gets here: these are a
-- second line). NOT VALID: rows written before are not checked (no table scan, nothing to fail on; they expire),
-- every new or updated row is.
alter table pending_authorization
    add constraint pending_authorization_state_length check (length(state) <= 512) not valid,
    add constraint pending_authorization_nonce_length check (length(nonce) <= 512) not valid,
    add constraint pending_authorization_scope_length check (length(scope) <= 1024) not valid,
    add constraint pending_authorization_ui_locales_length check (length(ui_locales) <= 256) not valid,
    add constraint pending_authorization_prompt_length check (length(prompt) <= 64) not valid,
    add constraint pending_authorization_code_challenge_length check (length(code_challenge) <= 128) not valid;
alter table authorization_code
    add constraint authorization_code_nonce_length check (length(nonce) <= 512) not valid,
    add constraint authorization_code_scope_length check (length(scope) <= 1024) not valid,
    add constraint authorization_code_code_challenge_length check (length(code_challenge) <= 128) not valid;
alter table client_assertion
    add constraint client_assertion_jti_length check (length(jti) <= 256) not valid;
-- A pending authorization's id (43 characters) travels in the pages as the parameter auth.
alter table enrollment
    add constraint enrollment_pending_authorization_id_length check (length(pending_authorization_id) <= 64) not valid;
alter table login_challenge
    add constraint login_challenge_pending_authorization_id_length
        check (length(pending_authorization_id) <= 64) not valid;
alter table federation_request
    add constraint federation_request_pending_authorization_id_length
        check (length(pending_authorization_id) <= 64) not valid;
alter table federation_link
    add constraint federation_link_pending_authorization_id_length
        check (length(pending_authorization_id) <= 64) not valid;
alter table provisional_code
    add constraint provisional_code_pending_authorization_id_length
        check (length(pending_authorization_id) <= 64) not valid;
