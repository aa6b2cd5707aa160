-- The FAPI 2.0-style profile of a relying party: PAR, PKCE S256, private_key_jwt, DPoP, ES256 only, codes of 60 s at most.
alter table relying_party add column fapi boolean not null default false;
