-- The registry of insured persons (SPEC 3.1): the people an account can be opened for.
-- nir holds the 13 characters (2A/2B allowed); the key is derived and kept for display only.
create table insured_person (
    nir                  varchar(13) primary key,
    nir_key              varchar(2)  not null,
    birth_name           text        not null,
    usage_name           text,
    given_names          text        not null,
    gender               varchar(6)  not null check (gender in ('male', 'female')),
    birth_date           varchar(10) not null,               -- YYYY-MM-DD, presumed parts as 00
    birthplace           varchar(5),                          -- COG commune, null when born abroad
    birthcountry         varchar(5)  not null,                -- COG country, 99100 = France
    postal_code          varchar(5)  not null,
    former_postal_codes  varchar(5)[] not null default '{}',
    scheme               varchar(16) not null,
    nir_certified        boolean     not null,
    carte_vitale_serial  varchar(22),
    carte_vitale_active  boolean     not null default false,
    ibans                varchar(34)[] not null default '{}',
    email                text,
    account_elsewhere    boolean     not null default false,  -- an account known outside this service
    -- matching keys, computed by NameNormalizer at import
    birth_name_key       text        not null,
    usage_name_key       text,
    given_names_key      text        not null,
    imported_at          timestamptz not null default now()
);

create index insured_person_pivot on insured_person (birth_name_key, birth_date, gender);
create index insured_person_usage on insured_person (usage_name_key, birth_date);
