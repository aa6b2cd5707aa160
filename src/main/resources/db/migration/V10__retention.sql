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
