-- Rollback of 20261130160000_create_service_prices.sql: the price catalog, and btree_gist
-- only if agentsdb created it.
drop table public.service_prices;

do $rollback$
begin
  if exists (select from private.installed_extensions where name = 'btree_gist') then
    drop extension btree_gist;
  end if;
end
$rollback$;

drop table private.installed_extensions;
