-- The OP's signing keys, shared by every instance (SigningKeys). The private JWK is encrypted with
-- AES-256-GCM under idp.keys.encryption-key, with the kid as additional authenticated data, so a row
-- cannot be swapped for another; the public JWK is what the JWKS endpoint publishes.
-- Life of a key: published from publish_at, signs from activate_at until the next key of its alg
-- activates (retire_at), published until expire_at (retire_at + idp.keys.retain-after-retire), then deleted.
create table signing_key (
    kid                   text        primary key,  -- RFC 7638 JWK thumbprint (SHA-256, base64url)
    alg                   varchar(16) not null check (alg in ('ES256', 'RS256')),
    public_jwk            text        not null,
    private_jwk_encrypted bytea       not null,     -- version byte, 12-byte IV, ciphertext and GCM tag
    created_at            timestamptz not null,
    publish_at            timestamptz not null,
    activate_at           timestamptz not null,
    retire_at             timestamptz,
    expire_at             timestamptz,
    check (publish_at <= activate_at),
    check (expire_at is null or (retire_at is not null and expire_at >= retire_at))
);
