-- Rollback of 20261130160100_create_model_calls.sql.
drop table public.model_calls;
