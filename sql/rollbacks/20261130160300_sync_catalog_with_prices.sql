-- Rollback of 20261130160300_sync_catalog_with_prices.sql: the previous definition.
create or replace function public.sync_catalog(catalog jsonb)
returns table (catalog_table text, rows_synced integer)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  section text;
  item jsonb;
  call_args text;
  columns text;
  present text[];
  updates text;
  old_values text;
  new_values text;
begin
  if sync_catalog.catalog is null or jsonb_typeof(sync_catalog.catalog) <> 'object' then
    raise exception using errcode = '22023', message = 'catalog: must be a JSON object';
  end if;
  select string_agg(k, ', ' order by k) into section
  from jsonb_object_keys(sync_catalog.catalog) as k
  where k not in ('vendors', 'vendor_services', 'agent_features', 'interaction_types');
  if section is not null then
    raise exception using
      errcode = '22023',
      message = format('catalog: unknown sections %s', section),
      hint = 'The sections are vendors, vendor_services, agent_features, interaction_types.';
  end if;
  foreach section in array array['vendors', 'vendor_services', 'agent_features', 'interaction_types'] loop
    if jsonb_typeof(coalesce(sync_catalog.catalog -> section, '[]')) <> 'array' then
      raise exception using errcode = '22023', message = format('catalog.%s: must be a JSON array', section);
    end if;
    for item in select e.value from jsonb_array_elements(coalesce(sync_catalog.catalog -> section, '[]')) as e loop
      if jsonb_typeof(item) <> 'object' or item = '{}' then
        raise exception using
          errcode = '22023', message = format('catalog.%s: every entry must be a non-empty JSON object', section);
      end if;
      -- Only keys that name an argument of the admin RPC or a column of the table.
      select string_agg(format('%I', k), ', ' order by k) into call_args
      from jsonb_object_keys(item) as k
      where k not in (
        select unnest(p.proargnames) from pg_catalog.pg_proc as p
        where
          p.pronamespace = 'public'::pg_catalog.regnamespace
          and p.proname = case section
            when 'vendors' then 'add_vendor' when 'vendor_services' then 'add_vendor_service'
          end
        union all
        select a.attname::text from pg_catalog.pg_attribute as a
        where
          a.attrelid = pg_catalog.to_regclass('public.' || section)
          and a.attnum > 0 and not a.attisdropped
          and section in ('agent_features', 'interaction_types')
      );
      if call_args is not null then
        raise exception using
          errcode = '22023', message = format('catalog.%s: unknown keys %s', section, call_args);
      end if;
      if section in ('vendors', 'vendor_services') then
        select string_agg(format('%I => %L', e.key, e.value #>> '{}'), ', ') into call_args
        from jsonb_each(item) as e;
        execute format(
          'select count(*) from public.%I(%s)',
          case section when 'vendors' then 'add_vendor' else 'add_vendor_service' end,
          call_args
        );
      else
        select
          string_agg(format('%I', e.key), ', '),
          string_agg(format('%L', e.value #>> '{}'), ', '),
          array_agg(e.key)
        into columns, call_args, present
        from jsonb_each(item) as e;
        select
          string_agg(format('%I = excluded.%I', c, c), ', '),
          string_agg(format('t.%I', c), ', '),
          string_agg(format('excluded.%I', c), ', ')
        into updates, old_values, new_values
        from unnest(present) as c
        where c <> 'id';
        execute format(
          'insert into public.%I as t (%s) values (%s) on conflict (id) do %s',
          section,
          columns,
          call_args,
          case
            when updates is null then 'nothing'
            else format(
              'update set %s where (%s) is distinct from (%s)', updates, old_values, new_values
            )
          end
        );
      end if;
    end loop;
    catalog_table := section;
    rows_synced := jsonb_array_length(coalesce(sync_catalog.catalog -> section, '[]'));
    return next;
  end loop;
end;
$$;
comment on function public.sync_catalog(jsonb) is
'Makes the catalog (vendors, vendor_services, agent_features, interaction_types: arrays of objects, as catalog.toml) as given, in one transaction: all of it or, on any refusal, nothing. Vendors and services through add_vendor and add_vendor_service (keys left out take their defaults); features and interaction types upserted by id, writing only the columns given (never is_active unless given) and nothing for a row already as given. Returns the rows per section. service_role only.';
