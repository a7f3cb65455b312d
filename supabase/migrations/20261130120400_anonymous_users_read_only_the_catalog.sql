-- Anonymous sign-ins (issue 9, point 7). Supabase can issue JWTs to anonymous users
-- (role authenticated, is_anonymous true), which anyone can mint in bulk without an email.
-- They may read the catalog, as anon does, and nothing else: no agents (not even public
-- ones), feature mappings, configs, interactions, API keys, statistics or audit entries.
-- Linking an identity (is_anonymous false in the next JWT) unlocks everything. Enforced by a
-- restrictive policy on every user table, and, for the one definer path that writes a user
-- table (store_user_api_key), by a trigger.
create function private.is_anonymous()
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(auth.jwt() ->> 'is_anonymous', '') = 'true'
$$;
comment on function private.is_anonymous() is
'True when the request''s JWT is an anonymous sign-in (claim is_anonymous = true). Policies call it as (select private.is_anonymous()).';
revoke execute on function private.is_anonymous() from public, anon, authenticated, service_role;
grant execute on function private.is_anonymous() to authenticated;

create policy ai_agents_all_not_anonymous on public.ai_agents
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy ai_agents_all_not_anonymous on public.ai_agents is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write ai_agents.';

create policy agent_feature_mappings_all_not_anonymous on public.agent_feature_mappings
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy agent_feature_mappings_all_not_anonymous on public.agent_feature_mappings is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write agent_feature_mappings.';

create policy ai_agent_configs_all_not_anonymous on public.ai_agent_configs
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy ai_agent_configs_all_not_anonymous on public.ai_agent_configs is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write ai_agent_configs.';

create policy ai_interactions_all_not_anonymous on public.ai_interactions
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy ai_interactions_all_not_anonymous on public.ai_interactions is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write ai_interactions.';

create policy user_api_keys_all_not_anonymous on public.user_api_keys
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy user_api_keys_all_not_anonymous on public.user_api_keys is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write user_api_keys.';

create policy ai_usage_stats_all_not_anonymous on public.ai_usage_stats
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy ai_usage_stats_all_not_anonymous on public.ai_usage_stats is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write ai_usage_stats.';

create policy audit_logs_all_not_anonymous on public.audit_logs
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy audit_logs_all_not_anonymous on public.audit_logs is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write audit_logs.';

create function private.refuse_anonymous()
returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if private.is_anonymous() then
    raise exception using
      errcode = '42501',
      message = format('%s: anonymous users may not write this table', tg_table_name),
      hint = 'Sign up (link an email or another identity) first.';
  end if;
  return new;
end;
$$;
comment on function private.refuse_anonymous() is
'BEFORE INSERT trigger function for user tables written by security definer functions (which RLS does not restrict): refuses an anonymous sign-in with 42501.';
revoke execute on function private.refuse_anonymous() from public, anon, authenticated, service_role;

create trigger user_api_keys_refuse_anonymous
before insert on public.user_api_keys
for each row execute function private.refuse_anonymous();
