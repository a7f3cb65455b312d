-- Undoing the encryption layer destroys every stored key: the ciphertexts and the
-- key-encryption key go together (a KEK with no ciphertext protects nothing, ciphertext with
-- no KEK is noise), and so do the rows of public.user_api_keys that describe those keys, so
-- that no row claims a key that no longer exists.
delete from public.user_api_keys;
drop function private.api_key_kek();
drop table private.api_key_kek_version;
drop table private.user_api_key_secrets;
delete from vault.secrets
where name = 'agentsdb_api_key_kek';
