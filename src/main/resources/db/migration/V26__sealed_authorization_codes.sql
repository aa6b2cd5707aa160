-- Authorization codes are sealed (AES-256-GCM) and carry what they stand for (fr.ameli.idp.oidc.shared.AuthorizationCodes):
-- /authorize no longer stores them. A code is single use through the access token its exchange stores: code_hash now
-- holds the code's 16-byte single-use key (a token of the previous format keeps the SHA-256 of its code), unique, so
-- that a second exchange of the same code finds it taken (the exchange's ON CONFLICT) and revokes what the first got.
-- The index was already there for that revocation; unique, it costs no more to keep.
create unique index access_token_code_once on access_token (code_hash);
drop index access_token_code;

-- authorization_code stays for now: during a rolling update the replicas of the previous version still write to it.
-- A later migration drops it, with its retention rule.
comment on table authorization_code is 'Codes of the previous format (before V26); no longer written. To be dropped.';
