-- Clients never see a value that counts other tenants' activity, and never choose the ids
-- of user rows (issue 9, points 2 and 4).

-- 1. audit_logs.id was a global sequence and transaction_id the global transaction id: the
-- gap between two of a user's own entries counted everyone else's writes. The id becomes a
-- random uuid; transaction_id a uuid derived from the transaction id with a secret key, so
-- entries of one transaction still share it and nobody can count with it; recorded_at (the
-- wall clock of each entry) orders the entries of one transaction.
create table private.audit_secret (
  singleton boolean primary key default true,
  secret text not null,
  constraint audit_secret_one_row check (singleton),
  constraint audit_secret_long_enough check (length(secret) >= 64)
);
comment on table private.audit_secret is
'The key that turns transaction ids into audit_logs.transaction_id (one row, created by the migration). Not exposed; changing it only changes the ids of later entries.';
revoke all on private.audit_secret from public, anon, authenticated, service_role;
insert into private.audit_secret (secret)
values (
  encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex')
  || encode(sha256(convert_to(gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex')
);

create function private.audit_transaction_ref(transaction_id bigint)
returns uuid
language sql
stable
security invoker
set search_path = ''
as $$
  select encode(substr(sha256(convert_to(
    s.secret || ':' || audit_transaction_ref.transaction_id::text, 'UTF8'
  )), 1, 16), 'hex')::uuid
  from private.audit_secret as s
$$;
comment on function private.audit_transaction_ref(bigint) is
'A uuid standing for a transaction id: the first 16 bytes of sha256(secret:transaction id). The same for every entry of one transaction; without the secret it says nothing about the transaction id, so it cannot count other users'' activity.';
revoke execute on function private.audit_transaction_ref(bigint)
from public, anon, authenticated, service_role;

-- squawk-ignore ban-alter-identity
alter table public.audit_logs alter column id drop identity;
-- squawk-ignore changing-column-type
alter table public.audit_logs alter column id type uuid using gen_random_uuid();
alter table public.audit_logs alter column id set default gen_random_uuid();
-- squawk-ignore ban-drop-default
alter table public.audit_logs alter column transaction_id drop default;
-- squawk-ignore changing-column-type
alter table public.audit_logs alter column transaction_id type uuid
using private.audit_transaction_ref(transaction_id);
alter table public.audit_logs alter column transaction_id
set default private.audit_transaction_ref(pg_current_xact_id()::text::bigint);
-- squawk-ignore adding-field-with-default
alter table public.audit_logs add column recorded_at timestamptz not null default clock_timestamp();

comment on column public.audit_logs.id is
'A random uuid: unlike a sequence, it does not count the entries of other users.';
comment on column public.audit_logs.transaction_id is
'The writing transaction, as a keyed hash of its id (private.audit_transaction_ref): groups a change with the rows it cascaded to or replaced, and says nothing about other transactions.';
comment on column public.audit_logs.recorded_at is
'When the entry was written (clock_timestamp()): orders the entries of one transaction, whose occurred_at is the same.';
comment on column public.audit_logs.occurred_at is
'Start of the writing transaction (now()): every entry of one transaction has the same time, the same as the created_at/updated_at stamps of the rows it wrote. Order within a transaction by recorded_at.';

-- 2. Ids of user rows are the database's to choose: a client re-creating a deleted public
-- agent under its old id made links and audit references resolve to the copy. service_role
-- (a trusted server: imports, idempotent retries) keeps the right.
revoke insert (id) on public.ai_agents from authenticated;
revoke insert (id) on public.agent_feature_mappings from authenticated;
revoke insert (id) on public.ai_agent_configs from authenticated;
revoke insert (id) on public.ai_interactions from authenticated;

-- 3. Table-wide SELECT lets a client read the system columns too: xmin is the global
-- transaction id of the row's writer, ctid the row's place among every tenant's rows. SELECT
-- on each column instead gives clients every column (select * works) and no system column.
-- Every table of agentsdb's that anon or authenticated reads table-wide (named: the app's own
-- tables beside them in public are not agentsdb's to change).
do $migration$
declare
  target record;
begin
  for target in
    select c.oid::regclass as rel, r.role
    from pg_catalog.pg_class as c
    cross join (values ('anon'), ('authenticated')) as r (role)
    where
      c.oid = any (
      array[
        'public.vendors'::regclass,
        'public.vendor_services'::regclass,
        'public.agent_features'::regclass,
        'public.interaction_types'::regclass,
        'public.ai_agents'::regclass,
        'public.agent_feature_mappings'::regclass,
        'public.ai_agent_configs'::regclass,
        'public.user_api_keys'::regclass,
        'public.ai_interactions'::regclass,
        'public.ai_usage_stats'::regclass,
        'public.audit_logs'::regclass
      ]
      )
      and pg_catalog.has_table_privilege(r.role, c.oid, 'SELECT')
    order by 1, 2
  loop
    execute format('revoke select on %s from %I', target.rel, target.role);
    execute format(
      'grant select (%s) on %s to %I',
      (
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
        from pg_catalog.pg_attribute as a
        where a.attrelid = target.rel and a.attnum > 0 and not a.attisdropped
      ),
      target.rel,
      target.role
    );
  end loop;
end
$migration$;
