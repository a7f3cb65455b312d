-- The price catalog (issue 10): what a vendor service costs per million tokens of each kind
-- and per request, in USD, over a validity range. Two prices of one service never overlap
-- (an exclusion constraint), so a call has at most one price: the one valid at its start.
-- Everyone reads the prices of visible services (anon included); only service_role writes.

-- The exclusion constraint compares service ids (text) with = inside a GiST index, which needs
-- btree_gist. Creating an extension is a global effect (README, "What installing changes
-- outside agentsdb"): agentsdb creates it in schema extensions only when the database has no
-- btree_gist yet, and remembers that it did, so its rollback drops only its own.
create table private.installed_extensions (
  name text primary key,
  installed_at timestamptz not null default now(),
  constraint installed_extensions_name_format check (name ~ '^[a-z][a-z0-9_]{0,62}$')
);
comment on table private.installed_extensions is
'Extensions agentsdb created (absent before it was installed); the rollbacks drop only these, never an extension the app had.';
revoke all on private.installed_extensions from public, anon, authenticated, service_role;

do $migration$
begin
  if not exists (select from pg_catalog.pg_extension where extname = 'btree_gist') then
    create extension btree_gist with schema extensions;
    insert into private.installed_extensions (name) values ('btree_gist');
  end if;
end
$migration$;

create table public.service_prices (
  id text primary key,
  service_id text not null references public.vendor_services (id) on update cascade on delete restrict,
  input_per_million numeric(12, 6),
  cached_input_per_million numeric(12, 6),
  cache_write_per_million numeric(12, 6),
  output_per_million numeric(12, 6),
  reasoning_per_million numeric(12, 6),
  per_request numeric(12, 6),
  currency text not null default 'USD',
  valid_from timestamptz not null,
  valid_until timestamptz,
  valid_during tstzrange generated always as (tstzrange(valid_from, valid_until, '[)')) stored,
  source_url text,
  listed_on date,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_prices_id_format check (id ~ '^[a-z][a-z0-9_]{1,159}$'),
  constraint service_prices_id_prefixed_by_service check (starts_with(id, service_id || '_')),
  constraint service_prices_service_id_length check (length(service_id) <= 128),
  -- numeric accepts NaN, and NaN >= 0 holds in PostgreSQL: refuse it explicitly.
  constraint service_prices_input_per_million_valid check (
    input_per_million >= 0 and input_per_million <> 'NaN'
  ),
  constraint service_prices_cached_input_per_million_valid check (
    cached_input_per_million >= 0 and cached_input_per_million <> 'NaN'
  ),
  constraint service_prices_cache_write_per_million_valid check (
    cache_write_per_million >= 0 and cache_write_per_million <> 'NaN'
  ),
  constraint service_prices_output_per_million_valid check (
    output_per_million >= 0 and output_per_million <> 'NaN'
  ),
  constraint service_prices_reasoning_per_million_valid check (
    reasoning_per_million >= 0 and reasoning_per_million <> 'NaN'
  ),
  constraint service_prices_per_request_valid check (per_request >= 0 and per_request <> 'NaN'),
  constraint service_prices_currency_usd check (currency = 'USD'),
  constraint service_prices_valid_from_finite check (isfinite(valid_from)),
  constraint service_prices_valid_until_after_valid_from check (
    isfinite(valid_until) and valid_until > valid_from
  ),
  constraint service_prices_source_url_http check (
    source_url ~ '^https?://[^\s]+$' and length(source_url) <= 2000
  ),
  constraint service_prices_notes_length check (length(notes) <= 4000),
  -- One price per service at any instant: the price of a call is never ambiguous. The GiST
  -- index also finds the price valid at a call's start (service_id =, valid_during @>).
  constraint service_prices_no_overlap exclude using gist (
    service_id with =, valid_during with &&
  )
);

comment on table public.service_prices is
'List prices of vendor services in USD: per million tokens of each kind and per request, each valid over [valid_from, valid_until). Two prices of one service never overlap. A call is priced at the price valid at its start. Readable by everyone for visible services; service_role writes (catalog.toml, sync_catalog).';
comment on column public.service_prices.id is
'Stable identifier: the service id, an underscore, then a suffix, e.g. openai_gpt4o_2024_10.';
comment on column public.service_prices.input_per_million is
'USD per million input tokens billed at the full rate (not cached, not written to a cache). Null: this kind is not priced, and a call with such tokens stays unpriced.';
comment on column public.service_prices.cached_input_per_million is
'USD per million input tokens read from the prompt cache. Null: not priced.';
comment on column public.service_prices.cache_write_per_million is
'USD per million input tokens written to the prompt cache. Null: not priced.';
comment on column public.service_prices.output_per_million is
'USD per million output tokens (visible output, reasoning excluded). Null: not priced.';
comment on column public.service_prices.reasoning_per_million is
'USD per million reasoning (thinking) tokens. Null: not priced.';
comment on column public.service_prices.per_request is
'USD per call, on top of the token prices; null for none.';
comment on column public.service_prices.currency is 'Always USD for now (checked).';
comment on column public.service_prices.valid_from is 'First instant the price applies.';
comment on column public.service_prices.valid_until is
'First instant it no longer applies; null while it is current.';
comment on column public.service_prices.valid_during is
'[valid_from, valid_until): the range the exclusion constraint keeps apart per service.';
comment on column public.service_prices.source_url is 'Where the price was read (the vendor''s price page).';
comment on column public.service_prices.listed_on is 'The date the price was read there ("as listed on").';

create trigger service_prices_set_updated_at
before update on public.service_prices
for each row execute function private.set_updated_at();

create trigger service_prices_audit
after insert or update or delete on public.service_prices
for each row execute function private.record_audit_log();

alter table public.service_prices enable row level security;

create policy service_prices_select_everyone on public.service_prices
for select to anon, authenticated
using (service_id in (
  select s.id from public.vendor_services as s
  inner join public.vendors as v on s.vendor_id = v.id
  where s.is_active and v.is_active
));

revoke all on public.service_prices from anon, authenticated, service_role;
grant select (
  id, service_id, input_per_million, cached_input_per_million, cache_write_per_million,
  output_per_million, reasoning_per_million, per_request, currency, valid_from, valid_until,
  valid_during, source_url, listed_on, notes, created_at, updated_at
) on public.service_prices to anon, authenticated;
grant select, delete on public.service_prices to service_role;
grant insert (
  id, service_id, input_per_million, cached_input_per_million, cache_write_per_million,
  output_per_million, reasoning_per_million, per_request, currency, valid_from, valid_until,
  source_url, listed_on, notes
) on public.service_prices to service_role;
grant update (
  service_id, input_per_million, cached_input_per_million, cache_write_per_million,
  output_per_million, reasoning_per_million, per_request, currency, valid_from, valid_until,
  source_url, listed_on, notes
) on public.service_prices to service_role;
