-- Rollback of 20261130160200_create_record_model_call.sql.
drop function public.record_model_calls(jsonb);
drop function private.record_model_calls(jsonb);
drop function public.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text
);
drop function private.record_model_call(
  uuid, integer, integer, integer, integer, integer, text, text, text, uuid, text, text, text,
  integer, integer, timestamptz, timestamptz, numeric, jsonb, text, text
);
