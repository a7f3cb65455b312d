-- Rollback of 20261201010000_model_calls_references_checked_per_statement.sql: the per-row
-- foreign keys of model_calls to the catalog again, instead of the statement trigger and the
-- catalog's guards.
drop trigger service_prices_keep_their_calls_truncate on public.service_prices;
drop trigger vendor_services_keep_their_calls_truncate on public.vendor_services;
drop trigger vendors_keep_their_calls_truncate on public.vendors;
drop function private.catalog_keeps_its_calls_on_truncate();
drop trigger service_prices_keep_their_calls_update on public.service_prices;
drop trigger service_prices_keep_their_calls_delete on public.service_prices;
drop trigger vendor_services_keep_their_calls_update on public.vendor_services;
drop trigger vendor_services_keep_their_calls_delete on public.vendor_services;
drop trigger vendors_keep_their_calls_update on public.vendors;
drop trigger vendors_keep_their_calls_delete on public.vendors;
drop function private.service_prices_keep_their_calls();
drop function private.vendor_services_keep_their_calls();
drop function private.vendors_keep_their_calls();
drop trigger model_calls_check_references_update on public.model_calls;
drop trigger model_calls_check_references_insert on public.model_calls;
drop function private.model_calls_check_references();
alter table public.model_calls add constraint model_calls_vendor_id_fkey
foreign key (vendor_id) references public.vendors (id) on update cascade on delete restrict;
alter table public.model_calls add constraint model_calls_service_belongs_to_vendor
foreign key (service_id, vendor_id) references public.vendor_services (id, vendor_id)
on update cascade on delete restrict;
alter table public.model_calls add constraint model_calls_price_id_fkey
foreign key (price_id) references public.service_prices (id) on update cascade on delete restrict;
comment on column public.model_calls.vendor_id is 'The vendor actually called, at the time of the call.';
comment on column public.model_calls.price_id is 'The price the cost was computed with; null when supplied or unpriced.';
