-- A stand-in for Supabase Vault with the interface apps use: vault.create_secret,
-- vault.update_secret and the view vault.decrypted_secrets. Secrets are encrypted with
-- pgcrypto under a root key that only the superuser can read. Where the real Vault exists
-- (the schema `vault` is there), nothing here runs.
do $platform$
begin
  if exists (select from pg_namespace where nspname = 'vault') then
    return;
  end if;

  create schema vault;
  create table vault.root_key (
    only_row boolean primary key default true check (only_row),
    key text not null default encode(extensions.gen_random_bytes(32), 'hex')
  );
  insert into vault.root_key default values;
  revoke all on vault.root_key from public;

  create table vault.secrets (
    id uuid primary key default extensions.gen_random_uuid(),
    name text unique,
    description text not null default '',
    secret text not null,
    key_id uuid,
    nonce bytea,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );

  create view vault.decrypted_secrets as
    select s.id, s.name, s.description, s.secret,
      extensions.pgp_sym_decrypt(decode(s.secret, 'base64'), k.key) as decrypted_secret,
      s.key_id, s.nonce, s.created_at, s.updated_at
    from vault.secrets as s cross join vault.root_key as k;

  create function vault.create_secret(
    new_secret text, new_name text default null, new_description text default '',
    new_key_id uuid default null
  ) returns uuid language sql security definer set search_path = '' as $fn$
    insert into vault.secrets (secret, name, description, key_id)
    select encode(extensions.pgp_sym_encrypt(new_secret, k.key, 'cipher-algo=aes256'), 'base64'),
      new_name, coalesce(new_description, ''), new_key_id
    from vault.root_key as k
    returning id
  $fn$;

  create function vault.update_secret(
    secret_id uuid, new_secret text default null, new_name text default null,
    new_description text default null, new_key_id uuid default null
  ) returns void language sql security definer set search_path = '' as $fn$
    update vault.secrets as s set
      secret = coalesce(
        encode(extensions.pgp_sym_encrypt(new_secret, k.key, 'cipher-algo=aes256'), 'base64'),
        s.secret),
      name = coalesce(new_name, s.name),
      description = coalesce(new_description, s.description),
      key_id = coalesce(new_key_id, s.key_id),
      updated_at = now()
    from vault.root_key as k
    where s.id = secret_id
  $fn$;

  revoke all on all tables in schema vault from public;
  revoke all on all functions in schema vault from public;
  grant usage on schema vault to postgres, service_role;
  grant select, delete on vault.secrets to postgres, service_role;
  grant select on vault.decrypted_secrets to postgres, service_role;
  grant execute on function vault.create_secret(text, text, text, uuid),
    vault.update_secret(uuid, text, text, text, uuid) to postgres, service_role;
end
$platform$;
