-- Where vendor API keys are really kept: AES-256 ciphertext (pgcrypto's OpenPGP symmetric
-- encryption) in a private table no API role can read, under a key-encryption key (KEK)
-- held in Supabase Vault as the secret `agentsdb_api_key_kek`. Only definer functions owned
-- by the migration role (store_user_api_key, get_user_api_key, rotate_api_key_encryption_key)
-- touch either.
create table private.user_api_key_secrets (
  api_key_id uuid primary key references public.user_api_keys (id) on delete cascade,
  ciphertext bytea not null,
  kek_version integer not null,
  encrypted_at timestamptz not null default now(),
  constraint user_api_key_secrets_kek_version_positive check (kek_version > 0)
);

comment on table private.user_api_key_secrets is
'The ciphertext of each key in public.user_api_keys: pgp_sym_encrypt(key, KEK, cipher-algo=aes256), one row per key. No API role has any privilege on it (RLS on, no policies).';
comment on column private.user_api_key_secrets.kek_version is
'Version of the key-encryption key this ciphertext is under (private.api_key_kek_version).';
comment on column private.user_api_key_secrets.encrypted_at is
'When the key was last encrypted: stored, or re-encrypted by a rotation.';

alter table private.user_api_key_secrets enable row level security;
revoke all on private.user_api_key_secrets from public, anon, authenticated, service_role;

-- The current version of the KEK: one row, bumped by every rotation. Store and rotation
-- lock it (share / update) so that no key is ever encrypted under a KEK being replaced.
create table private.api_key_kek_version (
  only_row boolean primary key default true,
  version integer not null default 1,
  rotated_at timestamptz,
  constraint api_key_kek_version_only_one_row check (only_row),
  constraint api_key_kek_version_positive check (version > 0)
);

comment on table private.api_key_kek_version is
'The current version of the API key-encryption key held in Vault (agentsdb_api_key_kek); one row. Its lock orders key storage against rotation.';

alter table private.api_key_kek_version enable row level security;
revoke all on private.api_key_kek_version from public, anon, authenticated, service_role;

insert into private.api_key_kek_version (version) values (1);

-- The KEK: 32 random bytes (hex) in Vault, created when no secret of that name exists yet.
do $migration$
begin
  if not exists (select from vault.secrets as s where s.name = 'agentsdb_api_key_kek') then
    perform vault.create_secret(
      encode(extensions.gen_random_bytes(32), 'hex'),
      'agentsdb_api_key_kek',
      'agentsdb: key-encryption key of the vendor API keys in private.user_api_key_secrets. '
      || 'Rotate it with public.rotate_api_key_encryption_key(), never by hand: the keys '
      || 'encrypted under it are unreadable without it.'
    );
  end if;
end
$migration$;

create function private.api_key_kek()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  kek text;
begin
  select s.decrypted_secret into kek
  from vault.decrypted_secrets as s
  where s.name = 'agentsdb_api_key_kek';
  if kek is null or kek = '' then
    raise exception using
      errcode = '55000',
      message = 'agentsdb_api_key_kek: the API key-encryption key is missing from Vault',
      hint = 'Re-apply the migration that creates it; keys stored under a lost key cannot be recovered.';
  end if;
  return kek;
end;
$$;
comment on function private.api_key_kek() is
'The API key-encryption key, read from Vault (agentsdb_api_key_kek). Stable, so a query that calls it sees the KEK and the ciphertexts in one snapshot. Only the definer functions that own the key material call it.';
revoke execute on function private.api_key_kek() from public, anon, authenticated, service_role;
