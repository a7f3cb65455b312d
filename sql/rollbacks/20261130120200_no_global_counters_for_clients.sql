-- Rollback of 20261130120200_no_global_counters_for_clients.
do $rollback$
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
      and not pg_catalog.has_table_privilege(r.role, c.oid, 'SELECT')
      and pg_catalog.has_any_column_privilege(r.role, c.oid, 'SELECT')
    order by 1, 2
  loop
    execute format(
      'revoke select (%s) on %s from %I',
      (
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
        from pg_catalog.pg_attribute as a
        where a.attrelid = target.rel and a.attnum > 0 and not a.attisdropped
      ),
      target.rel,
      target.role
    );
    execute format('grant select on %s to %I', target.rel, target.role);
  end loop;
  -- Grant service_role's table privileges again, so the grants are listed in their original
  -- order (anon, authenticated, service_role).
  for target in
    select c.oid::regclass as rel, string_agg(p.privilege_type, ', ') as privileges
    from pg_catalog.pg_class as c
    cross join lateral pg_catalog.aclexplode(c.relacl) as p
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
      and p.grantee = 'service_role'::regrole
    group by c.oid
    order by 1
  loop
    execute format('revoke %s on %s from service_role', target.privileges, target.rel);
    execute format('grant %s on %s to service_role', target.privileges, target.rel);
  end loop;
end
$rollback$;

-- service_role's grant is made again after authenticated's, their original order.
revoke insert (id) on public.ai_agents, public.agent_feature_mappings, public.ai_agent_configs,
public.ai_interactions from service_role;
grant insert (id) on public.ai_agents, public.agent_feature_mappings, public.ai_agent_configs,
public.ai_interactions to authenticated;
grant insert (id) on public.ai_agents, public.agent_feature_mappings, public.ai_agent_configs,
public.ai_interactions to service_role;

alter table public.audit_logs drop column recorded_at;
alter table public.audit_logs alter column transaction_id drop default;
alter table public.audit_logs alter column transaction_id type bigint using 0;
alter table public.audit_logs alter column transaction_id
set default pg_current_xact_id()::text::bigint;
alter table public.audit_logs alter column id drop default;
create sequence private.audit_logs_rollback_seq;
alter table public.audit_logs alter column id type bigint
using nextval('private.audit_logs_rollback_seq');
drop sequence private.audit_logs_rollback_seq;
alter table public.audit_logs alter column id add generated always as identity;
select
  setval(
    pg_get_serial_sequence('public.audit_logs', 'id'), coalesce(max(id), 0) + 1, false
  ) as next_id
from public.audit_logs;
revoke all on sequence public.audit_logs_id_seq from anon, authenticated, service_role;
comment on column public.audit_logs.id is null;
comment on column public.audit_logs.transaction_id is
'The writing transaction (pg_current_xact_id()): groups a change with the rows it cascaded to or replaced.';
comment on column public.audit_logs.occurred_at is
'Start of the writing transaction (now()): every entry of one transaction has the same time, the same as the created_at/updated_at stamps of the rows it wrote. Order within a transaction by id.';
drop function private.audit_transaction_ref(bigint);
drop table private.audit_secret;
