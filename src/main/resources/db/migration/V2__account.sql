-- One account per insured person (SPEC 3.2.2: an existing account excludes creation).
create table account (
    id                 uuid        primary key,
    nir                varchar(13) not null unique references insured_person (nir),
    status             varchar(16) not null check (status in ('PENDING', 'ACTIVE', 'LOCKED')),
    password_hash      text,
    email              text,
    mobile_phone       varchar(16),
    landline_phone     varchar(16),
    consent_email      boolean,
    consent_phone      boolean,
    consent_sms        boolean,
    cgu_version        varchar(16),
    cgu_accepted_at    timestamptz,
    federation_sub     text unique,
    created_at         timestamptz not null default now(),
    activated_at       timestamptz,
    version            bigint      not null default 0
);

-- Email addresses are unique across accounts, compared case-insensitively.
create unique index account_email_unique on account (lower(email)) where email is not null;
