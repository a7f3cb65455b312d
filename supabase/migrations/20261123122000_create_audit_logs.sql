-- The audit trail (seed 003's audit_logs): one entry per row inserted, updated or deleted in
-- the audited tables, written by the trigger function private.record_audit_log (next
-- migration). Append-only: no role may update, delete or truncate entries. Owners read the
-- entries about their own rows; service_role reads every entry; anon reads nothing.
create table public.audit_logs (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  transaction_id bigint not null default pg_current_xact_id()::text::bigint,
  actor_id uuid,
  actor_role text not null,
  table_name text not null,
  record_id text not null,
  action text not null,
  old_row jsonb,
  new_row jsonb,
  owner_id uuid,
  constraint audit_logs_action_valid check (action in ('insert', 'update', 'delete')),
  constraint audit_logs_rows_match_action check (
    case action
      when 'insert' then old_row is null and new_row is not null
      when 'update' then old_row is not null and new_row is not null
      when 'delete' then old_row is not null and new_row is null
    end
  ),
  constraint audit_logs_old_row_is_object check (jsonb_typeof(old_row) = 'object'),
  constraint audit_logs_new_row_is_object check (jsonb_typeof(new_row) = 'object')
);

comment on table public.audit_logs is
'Append-only audit trail: who inserted, updated or deleted which row of agents, agent configs, feature mappings, API keys (never key material) and the catalog. Written only by triggers; nobody can change or delete an entry. Signed-in users read the entries about their own rows; service_role reads all.';
comment on column public.audit_logs.occurred_at is
'Start of the writing transaction (now()): every entry of one transaction has the same time, the same as the created_at/updated_at stamps of the rows it wrote. Order within a transaction by id.';
comment on column public.audit_logs.transaction_id is
'The writing transaction (pg_current_xact_id()): groups a change with the rows it cascaded to or replaced.';
comment on column public.audit_logs.actor_id is
'The signed-in user who made the change (auth.uid()); null for service_role, the database owner and other server-side writers.';
comment on column public.audit_logs.actor_role is
'The database role the change ran as: authenticated, service_role, or the session user (postgres, supabase_auth_admin, ...) when no API role was set. Taken from the role in effect, not from the JWT claims.';
comment on column public.audit_logs.table_name is 'The audited table (in schema public), e.g. ai_agents.';
comment on column public.audit_logs.record_id is 'The changed row''s id, as text.';
comment on column public.audit_logs.action is 'insert, update or delete.';
comment on column public.audit_logs.old_row is
'The whole row before an update or delete (null for an insert), redacted columns replaced by "[redacted]".';
comment on column public.audit_logs.new_row is
'The whole row after an insert; for an update, only the columns that changed, with their new values (the row after the update is old_row || new_row); null for a delete. Redacted columns read "[redacted]".';
comment on column public.audit_logs.owner_id is
'The user whose data the row is (its user_id); null for catalog rows. Not a foreign key: entries outlive the user.';

-- Owners page through their entries newest first; catalog entries (owner_id null) are read
-- by service_role through the other two indexes.
create index audit_logs_owner_id_occurred_at_id_idx on public.audit_logs (
  owner_id, occurred_at desc, id desc
) where owner_id is not null;
create index audit_logs_table_name_record_id_idx on public.audit_logs (table_name, record_id);
-- Append-only and written in time order: a BRIN index serves time ranges at a tiny fraction
-- of a btree's size and write cost.
create index audit_logs_occurred_at_idx on public.audit_logs using brin (occurred_at);

-- Refuses to change the trail. API roles are already refused by their missing privileges;
-- this stops the table owner too.
create function private.refuse_audit_log_change()
returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    raise exception using
      errcode = '42501',
      message = 'audit_logs: entries are append-only and can never be updated';
  end if;
  if coalesce(current_setting('agentsdb.allow_audit_log_deletion', true), '') <> 'on' then
    raise exception using
      errcode = '42501',
      message = format('audit_logs: entries are append-only; %s is not allowed', lower(tg_op));
  end if;
  return null;
end;
$$;
comment on function private.refuse_audit_log_change() is
'Trigger function: refuses every UPDATE of public.audit_logs, and every DELETE or TRUNCATE unless the transaction set agentsdb.allow_audit_log_deletion to on (for a retention job run by the table owner; API roles have no DELETE or TRUNCATE privilege at all).';
revoke execute on function private.refuse_audit_log_change()
from public, anon, authenticated, service_role;

create trigger audit_logs_append_only
before update or delete or truncate on public.audit_logs
for each statement execute function private.refuse_audit_log_change();

alter table public.audit_logs enable row level security;

create policy audit_logs_select_authenticated on public.audit_logs
for select to authenticated
using (owner_id = (select auth.uid()));

-- No insert, update, delete or truncate for any API role: the trigger function writes as
-- the table owner.
revoke all on public.audit_logs from anon, authenticated, service_role;
revoke all on sequence public.audit_logs_id_seq from anon, authenticated, service_role;
grant select on public.audit_logs to authenticated, service_role;
