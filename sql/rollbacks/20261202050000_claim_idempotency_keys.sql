-- Rollback of 20261202050000_claim_idempotency_keys.sql.
drop function public.release_idempotency_key(text, uuid);
drop function public.claim_idempotency_key(text, integer, uuid);
drop function private.release_idempotency_key(text, uuid);
drop function private.claim_idempotency_key(text, integer, uuid);
drop function private.check_idempotency_key(text);
drop function private.idempotency_key_owner(text, uuid);
drop table private.idempotency_key_claims;
