-- Interaction history (seed 002, section 3): every use of an agent with its tokens, exact
-- cost, ratings and times. Only the agent's owner reads and writes them; user_id is always
-- the agent's owner; service_role records usage for any user.
create table public.ai_interactions (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null,
  title text not null,
  description text,
  interaction_type_id text references public.interaction_types (id) on update cascade on delete restrict,
  external_link text,
  external_id text,
  external_metadata jsonb not null default '{}',
  content_preview text,
  full_content text,
  input_tokens integer not null default 0,
  output_tokens integer not null default 0,
  total_cost numeric(16, 8),
  tags text [] not null default '{}',
  keywords text [] not null default '{}',
  satisfaction_rating integer,
  usefulness_rating integer,
  feedback_notes text,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  duration_minutes integer,
  status text not null default 'active',
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ai_interactions_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  constraint ai_interactions_title_not_blank check (title ~ '\S' and length(title) <= 500),
  constraint ai_interactions_description_length check (length(description) <= 4000),
  -- Bounded like interaction_types.id, so an oversized value is refused by a check before
  -- the btree index refuses it with 54000 (index row size).
  constraint ai_interactions_interaction_type_id_length check (length(interaction_type_id) <= 63),
  constraint ai_interactions_external_link_http check (
    external_link ~ '^https?://[^\s]+$' and length(external_link) <= 2000
  ),
  constraint ai_interactions_external_id_not_blank check (
    external_id ~ '\S' and length(external_id) <= 500
  ),
  constraint ai_interactions_external_metadata_is_object check (
    jsonb_typeof(external_metadata) = 'object' and octet_length(external_metadata::text) <= 65536
  ),
  constraint ai_interactions_content_preview_length check (length(content_preview) <= 4000),
  constraint ai_interactions_full_content_length check (length(full_content) <= 1000000),
  constraint ai_interactions_input_tokens_non_negative check (input_tokens >= 0),
  constraint ai_interactions_output_tokens_non_negative check (output_tokens >= 0),
  constraint ai_interactions_total_cost_non_negative check (total_cost >= 0),
  -- numeric(16, 8) accepts NaN, and NaN >= 0 holds in PostgreSQL: refuse it explicitly.
  constraint ai_interactions_total_cost_not_nan check (total_cost <> 'NaN'),
  constraint ai_interactions_tags_valid check (private.is_valid_tag_array(tags)),
  constraint ai_interactions_keywords_valid check (private.is_valid_tag_array(keywords)),
  constraint ai_interactions_satisfaction_rating_range check (satisfaction_rating between 1 and 5),
  constraint ai_interactions_usefulness_rating_range check (usefulness_rating between 1 and 5),
  constraint ai_interactions_feedback_notes_length check (length(feedback_notes) <= 10000),
  constraint ai_interactions_ended_after_started check (ended_at >= started_at),
  -- infinity would break the arithmetic on times (activity score, durations).
  constraint ai_interactions_started_at_finite check (isfinite(started_at)),
  constraint ai_interactions_ended_at_finite check (isfinite(ended_at)),
  constraint ai_interactions_duration_minutes_non_negative check (duration_minutes >= 0),
  constraint ai_interactions_status_valid check (
    status in ('active', 'completed', 'archived', 'deleted')
  )
);

comment on table public.ai_interactions is
'Every interaction with an agent: tokens, exact cost, ratings, times. Visible and writable only by the agent''s owner. Deleting the agent (or the user) deletes its interactions; daily statistics already computed stay until that day is recomputed.';
comment on column public.ai_interactions.agent_id is
'The agent used; it must belong to user_id (foreign key on (agent_id, user_id)).';
comment on column public.ai_interactions.interaction_type_id is
'Kind of interaction (interaction_types); null when unclassified.';
comment on column public.ai_interactions.external_link is
'Link to the conversation at the vendor (http or https, at most 2000 characters).';
comment on column public.ai_interactions.external_id is 'The vendor''s own id of the conversation or request.';
comment on column public.ai_interactions.external_metadata is
'Free-form data from the vendor or the integration (a JSON object, at most 64 KiB).';
comment on column public.ai_interactions.content_preview is 'Short excerpt for lists (at most 4000 characters).';
comment on column public.ai_interactions.full_content is 'The whole transcript (at most 1,000,000 characters).';
comment on column public.ai_interactions.total_cost is
'Cost in the vendor''s billing currency (USD), exact. Seed 002 says DECIMAL(10,4); widened to numeric(16,8) so the sub-cent costs of cheap models are kept exactly. Null when not priced.';
comment on column public.ai_interactions.tags is 'Searchable tags: at most 50, none blank, each at most 64 characters.';
comment on column public.ai_interactions.keywords is
'Extracted keywords: at most 50, none blank, each at most 64 characters.';
comment on column public.ai_interactions.satisfaction_rating is 'User satisfaction, 1 (worst) to 5 (best); null when not rated.';
comment on column public.ai_interactions.usefulness_rating is 'Usefulness, 1 (worst) to 5 (best); null when not rated.';
comment on column public.ai_interactions.started_at is
'When the interaction started (defaults to now). Its UTC day is the day the statistics count it on.';
comment on column public.ai_interactions.ended_at is 'When it ended; not before started_at.';
comment on column public.ai_interactions.duration_minutes is
'Whole minutes. When not given it is derived from ended_at - started_at, rounded to the nearest minute (30 s rounds up); an explicit value wins.';
comment on column public.ai_interactions.status is
'active, completed, archived or deleted. deleted hides the row from recent_interactions; it still counts in usage and statistics (the usage happened). Delete the row to remove it from them.';
comment on column public.ai_interactions.user_id is
'The agent''s owner (enforced by a foreign key on (agent_id, user_id)); defaults to the caller.';

-- The three idx_* names are the ones seed 002 (section 6) gives; the contract's names win.
-- Per-user, newest first: the policy column, the auth.users foreign key, recent_interactions.
create index idx_ai_interactions_user_id on public.ai_interactions (user_id, started_at desc);
-- Per-user by recording time: incremental sync ("what was recorded since").
create index idx_ai_interactions_created_at on public.ai_interactions (user_id, created_at desc);
-- Per-user most expensive first.
create index idx_ai_interactions_cost on public.ai_interactions (user_id, total_cost desc nulls last);
-- The (agent_id, user_id) foreign key, per-agent summaries and the agent's newest start.
create index ai_interactions_agent_id_user_id_started_at_idx on public.ai_interactions (
  agent_id, user_id, started_at desc
);
-- A day of every user: the daily statistics.
create index ai_interactions_started_at_idx on public.ai_interactions (started_at);
create index ai_interactions_interaction_type_id_idx on public.ai_interactions (interaction_type_id);
create index ai_interactions_tags_idx on public.ai_interactions using gin (tags);
create index ai_interactions_keywords_idx on public.ai_interactions using gin (keywords);
create index ai_interactions_external_metadata_idx on public.ai_interactions using gin (
  external_metadata jsonb_path_ops
);

create function private.derive_interaction_duration()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  minutes numeric;
begin
  -- An explicit duration wins: on insert any non-null value, on update a changed one.
  if tg_op = 'INSERT' then
    if new.duration_minutes is not null then
      return new;
    end if;
  elsif new.duration_minutes is distinct from old.duration_minutes
    or (new.started_at = old.started_at and new.ended_at is not distinct from old.ended_at) then
    return new;
  end if;
  -- Missing, reversed or infinite times derive nothing; the check constraints judge them.
  if new.ended_at is null or new.ended_at < new.started_at
    or not isfinite(new.started_at) or not isfinite(new.ended_at) then
    new.duration_minutes := null;
    return new;
  end if;
  -- Epoch seconds are numeric: subtracting far-apart times as an interval would overflow.
  minutes := round((extract(epoch from new.ended_at) - extract(epoch from new.started_at)) / 60);
  if minutes > 2147483647 then
    raise exception using
      errcode = '22003',
      message = 'duration_minutes: ended_at - started_at is more than 2147483647 minutes',
      hint = 'Check started_at and ended_at, or pass duration_minutes.';
  end if;
  new.duration_minutes := minutes::integer;
  return new;
end;
$$;
comment on function private.derive_interaction_duration() is
'Trigger function: when duration_minutes is not given (insert) or not changed while the times change (update), sets it to ended_at - started_at in whole minutes, rounded to the nearest (null while ended_at is null).';
revoke execute on function private.derive_interaction_duration() from public, anon, authenticated, service_role;

create trigger ai_interactions_derive_duration
before insert or update on public.ai_interactions
for each row execute function private.derive_interaction_duration();

create trigger ai_interactions_set_updated_at
before update on public.ai_interactions
for each row execute function private.set_updated_at();

alter table public.ai_interactions enable row level security;

create policy ai_interactions_select_authenticated on public.ai_interactions
for select to authenticated
using (user_id = (select auth.uid()));

create policy ai_interactions_insert_authenticated on public.ai_interactions
for insert to authenticated
with check (
  user_id = (select auth.uid())
  and agent_id in (
    select a.id from public.ai_agents as a
    where a.user_id = (select auth.uid())
  )
);

create policy ai_interactions_update_authenticated on public.ai_interactions
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create policy ai_interactions_delete_authenticated on public.ai_interactions
for delete to authenticated
using (user_id = (select auth.uid()));

-- agent_id and user_id are fixed once recorded (move an interaction by deleting and
-- recording it again), so the per-agent counters only change on insert and delete.
revoke all on public.ai_interactions from anon, authenticated, service_role;
grant select, delete on public.ai_interactions to authenticated, service_role;
grant insert (
  id, agent_id, title, description, interaction_type_id, external_link, external_id,
  external_metadata, content_preview, full_content, input_tokens, output_tokens, total_cost,
  tags, keywords, satisfaction_rating, usefulness_rating, feedback_notes, started_at, ended_at,
  duration_minutes, status, user_id
) on public.ai_interactions to authenticated, service_role;
grant update (
  title, description, interaction_type_id, external_link, external_id, external_metadata,
  content_preview, full_content, input_tokens, output_tokens, total_cost, tags, keywords,
  satisfaction_rating, usefulness_rating, feedback_notes, started_at, ended_at,
  duration_minutes, status
) on public.ai_interactions to authenticated, service_role;
