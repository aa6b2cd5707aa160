-- DPoP (RFC 9449): proofs seen (jti single use on every replica, kept until the proof can no longer be accepted),
-- the key an access token is bound to (its SHA-256 JWK thumbprint), and the relying parties that must use DPoP.
create table dpop_proof (
    jkt         text        not null,
    jti         varchar(256) not null,
    expires_at  timestamptz not null,
    primary key (jkt, jti)
);
create index dpop_proof_expiry on dpop_proof (expires_at);

alter table access_token add column dpop_jkt text;
alter table relying_party add column dpop_bound_access_tokens boolean not null default false;
