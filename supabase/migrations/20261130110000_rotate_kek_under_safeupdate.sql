-- rotate_api_key_encryption_key through the API: Supabase loads pg-safeupdate into every API
-- connection, which refuses an UPDATE without a WHERE clause (21000) even inside a function.
-- Two of the rotation's updates had none; each now names the rows it means. The rotation
-- also runs under the API's statement_timeout (8 s, service_role included) and lock_timeout
-- (8 s): the comment says when to run it over a direct connection instead.
create or replace function public.rotate_api_key_encryption_key()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  old_version integer;
  new_version integer;
  old_kek text;
  new_kek text := encode(extensions.gen_random_bytes(32), 'hex');
  kek_secret_id uuid;
  rotated integer;
begin
  perform private.require_service_role('rotate_api_key_encryption_key');
  -- Waits for keys being stored under the old KEK; new ones wait for this transaction.
  select v.version into old_version from private.api_key_kek_version as v for update;
  select s.id into kek_secret_id from vault.secrets as s where s.name = 'agentsdb_api_key_kek';
  if old_version is null or kek_secret_id is null then
    raise exception using
      errcode = '55000',
      message = 'agentsdb_api_key_kek: the API key-encryption key is missing from Vault';
  end if;
  new_version := old_version + 1;
  old_kek := private.api_key_kek();

  -- The key rows first, then their secrets: the order in which deleting a key (or its
  -- user) cascades. Secrets first deadlocked with a concurrent deletion of a key.
  update public.user_api_keys as k set encrypted_key = 'pgp-aes256:kek-v' || new_version
  where k.encrypted_key is distinct from 'pgp-aes256:kek-v' || new_version;

  -- Every secret (none can be under new_version yet): the WHERE satisfies pg-safeupdate.
  update private.user_api_key_secrets as s set
    ciphertext = extensions.pgp_sym_encrypt(
      extensions.pgp_sym_decrypt(s.ciphertext, old_kek), new_kek, 'cipher-algo=aes256'
    ),
    kek_version = new_version,
    encrypted_at = now()
  where s.kek_version is distinct from new_version;
  get diagnostics rotated = row_count;

  perform vault.update_secret(kek_secret_id, new_kek);
  update private.api_key_kek_version as v set version = new_version, rotated_at = now()
  where v.version = old_version;
  return rotated;
end;
$$;
comment on function public.rotate_api_key_encryption_key() is
'Replaces the API key-encryption key in Vault with a new random one and re-encrypts every stored key under it, in one transaction; returns the number of keys re-encrypted. Every key still decrypts to the same plaintext. service_role only. Through the API it runs under the request''s statement_timeout (8 s, service_role too; it re-encrypts about 2,000 keys a second, see docs/errors.md): with more than some 10,000 keys, run it over a direct connection as postgres (`select public.rotate_api_key_encryption_key();`), where no timeout applies; a rotation cut by the timeout (57014) changes nothing.';
