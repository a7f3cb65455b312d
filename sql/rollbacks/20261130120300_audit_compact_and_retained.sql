-- Rollback of 20261130120300_audit_compact_and_retained.
do $rollback$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    if exists (select from cron.job where jobname = 'agentsdb-daily-audit-purge') then
      perform cron.unschedule('agentsdb-daily-audit-purge');
    end if;
  end if;
end
$rollback$;
drop function private.purge_audit_logs(interval);
comment on column public.audit_logs.old_row is
'The whole row before an update or delete (null for an insert), redacted columns replaced by "[redacted]".';
comment on column public.audit_logs.new_row is
'The whole row after an insert; for an update, only the columns that changed, with their new values (the row after the update is old_row || new_row); null for a delete. Redacted columns read "[redacted]".';

create or replace function private.record_audit_log()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  -- Never copied into the log, in whatever table they turn up; a trigger adds its own
  -- table's secret columns as its first argument (a text[] literal).
  redacted text [] := array['api_key', 'ciphertext', 'decrypted_secret', 'secret', 'password']
    || coalesce(tg_argv[0], '{}')::text [];
  -- Bookkeeping columns: an update that changes nothing else writes no entry. A trigger
  -- adds its own as its second argument (a text[] literal).
  bookkeeping text [] := array['updated_at'] || coalesce(tg_argv[1], '{}')::text [];
  current_row jsonb;
  old_row jsonb;
  new_row jsonb;
begin
  if tg_op = 'INSERT' then
    current_row := to_jsonb(new);
    new_row := current_row;
  elsif tg_op = 'DELETE' then
    current_row := to_jsonb(old);
    old_row := current_row;
  else
    current_row := to_jsonb(new);
    old_row := to_jsonb(old);
    select jsonb_object_agg(n.key, n.value) into new_row
    from jsonb_each(current_row) as n
    where n.value is distinct from old_row -> n.key;
    if new_row is null or new_row - bookkeeping = '{}'::jsonb then
      return null;
    end if;
  end if;

  if old_row ?| redacted then
    old_row := old_row || (
      select jsonb_object_agg(r.col, '[redacted]'::text) from unnest(redacted) as r (col)
      where old_row ? r.col
    );
  end if;
  if new_row ?| redacted then
    new_row := new_row || (
      select jsonb_object_agg(r.col, '[redacted]'::text) from unnest(redacted) as r (col)
      where new_row ? r.col
    );
  end if;

  insert into public.audit_logs (
    actor_id, actor_role, table_name, record_id, action, old_row, new_row, owner_id
  ) values (
    auth.uid(),
    coalesce(nullif(current_setting('role'), 'none'), session_user),
    tg_table_name,
    current_row ->> 'id',
    lower(tg_op),
    old_row,
    new_row,
    (current_row ->> 'user_id')::uuid
  );
  return null;
end;
$$;
comment on function private.record_audit_log() is
'AFTER row trigger function: writes one public.audit_logs entry per inserted, updated or deleted row (the actor, the role, the row before and the changed columns after). Generic: audit another table of public that has an id column (and, for user data, a user_id column) with one line, e.g. `create trigger budgets_audit after insert or update or delete on public.budgets for each row execute function private.record_audit_log();`. Optional arguments, text[] literals: 1. more columns to redact (api_key, ciphertext, decrypted_secret, secret and password always are: their values are logged as "[redacted]"); 2. more bookkeeping columns (updated_at always is): an update changing only those writes no entry. Costs one insert into audit_logs per audited row change, in the writer''s transaction. Security definer so that writers need no privilege on audit_logs; nobody may execute it directly.';
