-- The audit log and privacy (issue 9, point 6).
-- - Compact: an update entry holds only the changed columns, before (old_row) and after
--   (new_row), so a small update of a large row writes a small entry.
-- - Retention: private.purge_audit_logs(), daily by pg_cron where installed, deletes the
--   entries about a user's data once the user is deleted (so their prompts and
--   configurations leave the trail within a day of the account), and every entry older than
--   365 days.

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
    -- Only the changed columns, before and after: an entry's size follows what changed, not
    -- the size of the row.
    select jsonb_object_agg(o.key, o.value) into old_row
    from jsonb_each(old_row) as o
    where new_row ? o.key;
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
'AFTER row trigger function: writes one public.audit_logs entry per inserted, updated or deleted row (the actor, the role, and the row inserted or deleted, or for an update only the changed columns, before and after). Generic: audit another table of public that has an id column (and, for user data, a user_id column) with one line, e.g. `create trigger budgets_audit after insert or update or delete on public.budgets for each row execute function private.record_audit_log();`. Optional arguments, text[] literals: 1. more columns to redact (api_key, ciphertext, decrypted_secret, secret and password always are: their values are logged as "[redacted]"); 2. more bookkeeping columns (updated_at always is): an update changing only those writes no entry. Costs one insert into audit_logs per audited row change, in the writer''s transaction. Security definer so that writers need no privilege on audit_logs; nobody may execute it directly.';

comment on column public.audit_logs.old_row is
'For a delete, the whole row before; for an update, the changed columns with their previous values; null for an insert. Redacted columns read "[redacted]".';
comment on column public.audit_logs.new_row is
'The whole row after an insert; for an update, only the columns that changed, with their new values; null for a delete. Redacted columns read "[redacted]".';

create function private.purge_audit_logs(retention interval default interval '365 days')
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  purged integer;
begin
  if retention is null or retention < interval '1 day' then
    raise exception using
      errcode = '22023',
      message = 'retention: must be at least 1 day',
      hint = 'Pass an interval such as 365 days.';
  end if;
  -- The append-only trigger lets the table owner delete in this transaction only.
  perform pg_catalog.set_config('agentsdb.allow_audit_log_deletion', 'on', true);
  delete from public.audit_logs as l
  where
    l.occurred_at < now() - retention
    or (
      l.owner_id is not null
      and not exists (select from auth.users as u where u.id = l.owner_id)
    );
  get diagnostics purged = row_count;
  perform pg_catalog.set_config('agentsdb.allow_audit_log_deletion', 'off', true);
  return purged;
end;
$$;
comment on function private.purge_audit_logs(interval) is
'Retention of the audit trail: deletes every entry about a deleted user''s data (owner_id no longer in auth.users), and every entry older than retention (default 365 days); returns how many. Run daily at 00:30 by pg_cron where installed; callable by the database owner only.';
revoke execute on function private.purge_audit_logs(interval)
from public, anon, authenticated, service_role;

do $migration$
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'agentsdb-daily-audit-purge', '30 0 * * *', 'select private.purge_audit_logs()'
    );
  end if;
end
$migration$;
