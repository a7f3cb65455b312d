-- Editing never silently rewrites spend (issue 10, "usage is a financial record"). Who may
-- change the numbers of an interaction (input_tokens, output_tokens, total_cost, started_at;
-- vendor_id and service_id are granted to no API role for update):
-- - its owner, or service_role, while it is open (ended_at null): the seed-002 flow inserts
--   an interaction at its start and writes its totals at the end, possibly in the UPDATE
--   that sets ended_at. Once ended, its numbers are fixed, and an ended interaction cannot be
--   reopened (ended_at back to null) by an API role;
-- - nobody, for tokens and cost, when the interaction has model calls: its totals are the
--   sums of its calls, which record_model_call(s) and the re-price keep;
-- - corrections afterwards: service_role through correct_interaction_usage, which records
--   the old and new numbers and a reason in usage_corrections.
-- The definer functions of agentsdb (running as the tables' owner) are the trusted writers;
-- the rule binds the API roles (anon, authenticated, service_role, and any role that is not
-- the owner). Refusal: PT409 (HTTP 409), message naming the column.
create function private.guard_interaction_numbers()
returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  changed text;
begin
  -- The owner of the table (migrations, agentsdb's security definer functions) and
  -- superusers write freely: those are the record and correction functions.
  if pg_catalog.pg_has_role(
    current_user, (select c.relowner from pg_catalog.pg_class as c where c.oid = tg_relid), 'usage'
  ) then
    return new;
  end if;
  changed := case
    when new.input_tokens is distinct from old.input_tokens then 'input_tokens'
    when new.output_tokens is distinct from old.output_tokens then 'output_tokens'
    when new.total_cost is distinct from old.total_cost then 'total_cost'
    when new.started_at is distinct from old.started_at then 'started_at'
    when new.vendor_id is distinct from old.vendor_id then 'vendor_id'
    when new.service_id is distinct from old.service_id then 'service_id'
  end;
  if old.ended_at is not null and new.ended_at is null then
    raise exception using
      errcode = 'PT409',
      message = 'ended_at: an ended interaction cannot be reopened',
      hint = 'Record a new interaction; corrections of usage go through correct_interaction_usage (service_role).';
  end if;
  if changed is null then
    return new;
  end if;
  if changed in ('input_tokens', 'output_tokens', 'total_cost') and exists (
    select from public.model_calls as m
    where m.interaction_id = old.id
  ) then
    raise exception using
      errcode = 'PT409',
      message = changed || ': an interaction with model calls takes its totals from its calls',
      hint = 'Record the calls with record_model_calls; corrections go through reprice_model_calls (service_role).';
  end if;
  if old.ended_at is not null then
    raise exception using
      errcode = 'PT409',
      message = changed || ': the numbers of an ended interaction are fixed',
      hint = 'Set the totals while the interaction is open (in the update that sets ended_at at the latest); corrections go through correct_interaction_usage (service_role).';
  end if;
  return new;
end;
$$;
comment on function private.guard_interaction_numbers() is
'BEFORE UPDATE trigger on ai_interactions: API roles may change the numbers (tokens, cost, started_at, vendor, service) only while the interaction is open (ended_at null, the update that sets it included), never the tokens or cost of an interaction with model calls, and may not reopen an ended one (PT409). agentsdb''s own definer functions (the table owner) are not bound.';
revoke execute on function private.guard_interaction_numbers()
from public, anon, authenticated, service_role;

-- "a_" sorts it before the other BEFORE UPDATE triggers (duration, updated_at).
create trigger ai_interactions_a_guard_numbers
before update on public.ai_interactions
for each row execute function private.guard_interaction_numbers();

comment on column public.ai_interactions.input_tokens is
'Input tokens. With model calls: the sum of their input, cached input and cache write tokens (kept by the record functions). Without: set by the owner while the interaction is open, fixed once it ended (corrections: correct_interaction_usage).';
comment on column public.ai_interactions.output_tokens is
'Output tokens. With model calls: the sum of their output and reasoning tokens. Without: set while open, fixed once ended.';
comment on column public.ai_interactions.total_cost is
'Cost in USD, exact, numeric(16,8) (seed 002 says DECIMAL(10,4); widened so sub-cent costs of cheap models are kept). Null when not priced. With model calls: the sum of their costs; without: set while open, fixed once ended (corrections: correct_interaction_usage, recorded in usage_corrections).';
comment on column public.ai_interactions.started_at is
'When the interaction started (defaults to now). The statistics count it on its local date in the user''s time zone. Fixed once the interaction ended.';
comment on column public.ai_interactions.ended_at is
'When it ended; not before started_at. Once set, the numbers are fixed and it cannot be set back to null.';
