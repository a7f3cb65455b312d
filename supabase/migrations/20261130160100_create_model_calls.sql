-- Model calls (issue 10): the calls to a vendor's model an interaction is made of, each with
-- its tokens by kind, exact cost, the price it used, latency, status and an idempotency key.
-- Owners read their own; nobody writes them directly: record_model_call and
-- record_model_calls (security definer bodies in private) are the only way in, so every row
-- is validated, priced by the database and counted once.
create table public.model_calls (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  agent_id uuid not null,
  interaction_id uuid references public.ai_interactions (id) on delete cascade,
  vendor_id text not null references public.vendors (id) on update cascade on delete restrict,
  service_id text,
  model_name text,
  input_tokens integer not null default 0,
  cached_input_tokens integer not null default 0,
  cache_write_tokens integer not null default 0,
  output_tokens integer not null default 0,
  reasoning_tokens integer not null default 0,
  cost numeric(24, 12),
  price_id text references public.service_prices (id) on update cascade on delete restrict,
  cost_supplied boolean not null default false,
  latency_ms integer,
  time_to_first_token_ms integer,
  status text not null default 'succeeded',
  error_code text,
  error_message text,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  metadata jsonb not null default '{}',
  idempotency_key text,
  created_at timestamptz not null default now(),
  constraint model_calls_agent_owned_by_user foreign key (agent_id, user_id)
  references public.ai_agents (id, user_id) on update cascade on delete cascade,
  constraint model_calls_service_belongs_to_vendor foreign key (service_id, vendor_id)
  references public.vendor_services (id, vendor_id) on update cascade on delete restrict,
  -- Retrying a call (a timeout, a crash) with the same key finds the first record.
  constraint model_calls_user_id_idempotency_key_key unique (user_id, idempotency_key),
  constraint model_calls_vendor_id_length check (length(vendor_id) <= 63),
  constraint model_calls_service_id_length check (length(service_id) <= 128),
  constraint model_calls_model_name_format check (model_name ~ '^[^\s]{1,200}$'),
  constraint model_calls_tokens_non_negative check (
    input_tokens >= 0 and cached_input_tokens >= 0 and cache_write_tokens >= 0
    and output_tokens >= 0 and reasoning_tokens >= 0
  ),
  constraint model_calls_cost_valid check (cost >= 0 and cost <> 'NaN'),
  -- A computed cost names its price; a supplied one names none; an unpriced call has neither.
  constraint model_calls_cost_source check (
    case
      when cost_supplied then cost is not null and price_id is null
      else (cost is null) = (price_id is null)
    end
  ),
  constraint model_calls_latency_ms_non_negative check (latency_ms >= 0),
  constraint model_calls_time_to_first_token_ms_valid check (
    time_to_first_token_ms >= 0 and time_to_first_token_ms <= coalesce(latency_ms, time_to_first_token_ms)
  ),
  constraint model_calls_status_valid check (status in ('succeeded', 'failed', 'cancelled')),
  constraint model_calls_error_code_format check (error_code ~ '\S' and length(error_code) <= 200),
  constraint model_calls_error_message_length check (length(error_message) <= 4000),
  constraint model_calls_started_at_finite check (isfinite(started_at)),
  constraint model_calls_started_at_not_future check (started_at <= now() + interval '1 day'),
  constraint model_calls_ended_after_started check (isfinite(ended_at) and ended_at >= started_at),
  constraint model_calls_metadata_is_object check (
    jsonb_typeof(metadata) = 'object' and octet_length(metadata::text) <= 16384
  ),
  constraint model_calls_idempotency_key_format check (
    idempotency_key ~ '\S' and length(idempotency_key) <= 200
  )
);

comment on table public.model_calls is
'One call to a vendor''s model: tokens by kind, exact cost and the price it used, latency, status, times. Readable by its owner; written only by record_model_call / record_model_calls, which price it and keep its interaction''s totals equal to the sum of its calls. Deleting the agent, the interaction or the user deletes its calls (for now: the usage ledger that outlives deletes is a later step).';
comment on column public.model_calls.user_id is 'The agent''s owner (foreign key on (agent_id, user_id)).';
comment on column public.model_calls.interaction_id is
'The interaction the call belongs to (same user and agent), or null for a call on its own.';
comment on column public.model_calls.vendor_id is 'The vendor actually called, at the time of the call.';
comment on column public.model_calls.service_id is
'The vendor service actually called (priced through service_prices); null when it is not in the catalog.';
comment on column public.model_calls.model_name is 'The model name the vendor reported, e.g. gpt-4o-2024-08-06.';
comment on column public.model_calls.input_tokens is
'Input tokens billed at the full input rate: neither read from nor written to a prompt cache. The five token kinds are disjoint.';
comment on column public.model_calls.cached_input_tokens is 'Input tokens read from the prompt cache.';
comment on column public.model_calls.cache_write_tokens is 'Input tokens written to the prompt cache.';
comment on column public.model_calls.output_tokens is 'Output tokens, reasoning tokens excluded.';
comment on column public.model_calls.reasoning_tokens is 'Reasoning (thinking) tokens.';
comment on column public.model_calls.cost is
'USD, exact: the supplied cost, or sum(tokens of each kind * its price per million) / 10^6 + the per-request price, at the price valid at started_at. Null: unpriced (no price, or tokens of a kind the price leaves unpriced); never a silent 0.';
comment on column public.model_calls.price_id is 'The price the cost was computed with; null when supplied or unpriced.';
comment on column public.model_calls.cost_supplied is 'True when the caller gave the cost (kept as given).';
comment on column public.model_calls.latency_ms is 'Milliseconds from request to the last byte.';
comment on column public.model_calls.time_to_first_token_ms is
'Milliseconds to the first token; not more than latency_ms.';
comment on column public.model_calls.status is 'succeeded, failed or cancelled.';
comment on column public.model_calls.error_code is 'The vendor''s error code of a failed call (at most 200 characters).';
comment on column public.model_calls.error_message is 'The vendor''s error message (at most 4000 characters).';
comment on column public.model_calls.started_at is
'When the call started (default now; at most one day ahead of the server clock); chooses its price.';
comment on column public.model_calls.metadata is 'Free-form data (a JSON object, at most 16 KiB).';
comment on column public.model_calls.idempotency_key is
'The caller''s key for the call, unique per user: recording it again returns the first record and counts it once.';

-- Per user newest first: the policy column, the auth.users foreign key, listing.
create index model_calls_user_id_started_at_idx on public.model_calls (user_id, started_at desc);
-- The (agent_id, user_id) foreign key and per-agent figures.
create index model_calls_agent_id_user_id_started_at_idx on public.model_calls (
  agent_id, user_id, started_at desc
);
-- The interaction foreign key and the sums of an interaction's calls.
create index model_calls_interaction_id_idx on public.model_calls (interaction_id)
where interaction_id is not null;
-- The service foreign key, and a service's calls over a time range (re-pricing).
create index model_calls_service_id_vendor_id_started_at_idx on public.model_calls (
  service_id, vendor_id, started_at
);
-- The vendor foreign key, and a vendor's calls over a time range.
create index model_calls_vendor_id_started_at_idx on public.model_calls (vendor_id, started_at);
-- The price foreign key: which calls a price was used for.
create index model_calls_price_id_idx on public.model_calls (price_id)
where price_id is not null;

alter table public.model_calls enable row level security;

create policy model_calls_select_owner on public.model_calls
for select to authenticated
using (user_id = (select auth.uid()));

create policy model_calls_all_not_anonymous on public.model_calls
as restrictive
for all to authenticated
using (not (select private.is_anonymous()))
with check (not (select private.is_anonymous()));
comment on policy model_calls_all_not_anonymous on public.model_calls is
'Anonymous sign-ins (is_anonymous in the JWT) neither read nor write model_calls.';

revoke all on public.model_calls from anon, authenticated, service_role;
grant select (
  id, user_id, agent_id, interaction_id, vendor_id, service_id, model_name, input_tokens,
  cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost, price_id,
  cost_supplied, latency_ms, time_to_first_token_ms, status, error_code, error_message,
  started_at, ended_at, metadata, idempotency_key, created_at
) on public.model_calls to authenticated;
grant select on public.model_calls to service_role;
