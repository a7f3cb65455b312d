-- Restores rotate_api_key_encryption_key as 20261123120820_create_api_key_functions left it.
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

  update private.user_api_key_secrets as s set
    ciphertext = extensions.pgp_sym_encrypt(
      extensions.pgp_sym_decrypt(s.ciphertext, old_kek), new_kek, 'cipher-algo=aes256'
    ),
    kek_version = new_version,
    encrypted_at = now();
  get diagnostics rotated = row_count;

  perform vault.update_secret(kek_secret_id, new_kek);
  update private.api_key_kek_version as v set version = new_version, rotated_at = now();
  return rotated;
end;
$$;
comment on function public.rotate_api_key_encryption_key() is
'Replaces the API key-encryption key in Vault with a new random one and re-encrypts every stored key under it, in one transaction; returns the number of keys re-encrypted. Every key still decrypts to the same plaintext. service_role only.';
