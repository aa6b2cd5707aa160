-- FranceConnect+ settings of a relying party (README « Relying parties »): the eIDAS level asked when a request
-- names none, the RP's published keys by URL, and the encryption of its ID tokens and userinfo (JWE).
alter table relying_party
    add column default_acr_values text[]      not null default '{}',
    add column jwks_uri           text,
    add column id_token_enc_alg   varchar(16),
    add column id_token_enc_enc   varchar(16),
    add column userinfo_enc_alg   varchar(16),
    add column userinfo_enc_enc   varchar(16);
