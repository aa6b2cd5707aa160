-- PKCE is required from every client by default (RFC 9700 §2.1.1). Until now false meant "not asked for", so every
-- stored registration requires it from now on; a legacy confidential client is registered again with
-- require_pkce false (operator API) or require-pkce: false (config/).
alter table relying_party alter column require_pkce set default true;
update relying_party set require_pkce = true where not require_pkce;
