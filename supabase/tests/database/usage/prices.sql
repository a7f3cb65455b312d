begin;
\ir ../helpers.psql
select plan(14);

-- Structure.
select has_table('public', 'service_prices', 'the price catalog exists');
select col_type_is('public', 'service_prices', 'input_per_million', 'numeric(12,6)', 'prices are exact decimals');
select col_type_is('public', 'service_prices', 'valid_during', 'tstzrange', 'the validity is a tstzrange');
select ok(
  (
    select count(*) from public.service_prices
    where source_url is not null and listed_on is not null
  ) > 0
  and not exists (
    select from public.service_prices
    where source_url is null or listed_on is null
  ),
  'every seeded price names its source and the date it was listed'
);

-- Writing: service_role only; ranges of one service never overlap.
select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into public.service_prices (id, service_id, input_per_million, output_per_million, valid_from, valid_until)
    values ('openai_dalle3_t1', 'openai_dalle3', 1, 2, '2020-01-01Z', '2021-01-01Z')$$,
  'service_role adds a price'
);
select lives_ok(
  $$insert into public.service_prices (id, service_id, input_per_million, valid_from)
    values ('openai_dalle3_t2', 'openai_dalle3', 3, '2021-01-01Z')$$,
  'a price starting where the previous ends does not overlap it'
);
select throws_ok(
  $$insert into public.service_prices (id, service_id, input_per_million, valid_from, valid_until)
    values ('openai_dalle3_t3', 'openai_dalle3', 3, '2020-06-01Z', '2020-07-01Z')$$,
  '23P01', null, 'an overlapping price of the same service is refused (exclusion constraint)'
);
select throws_ok(
  $$insert into public.service_prices (id, service_id, input_per_million, currency, valid_from)
    values ('openai_whisper_t1', 'openai_whisper', 3, 'EUR', '2020-01-01Z')$$,
  '23514', null, 'only USD'
);
select throws_ok(
  $$insert into public.service_prices (id, service_id, output_per_million, valid_from)
    values ('openai_whisper_t2', 'openai_whisper', 'NaN', '2020-01-01Z')$$,
  '23514', null, 'NaN is not a price'
);
select tests.clear_authentication();

-- Reading: everyone, for visible services only.
update public.vendor_services set is_active = false
where id = 'openai_dalle3';
select tests.authenticate_as_anon();
select ok(
  (
    select count(*) from public.service_prices
    where service_id = 'openai_gpt4o'
  ) = 1,
  'anon reads the prices of active services'
);
select is_empty(
  $$select from public.service_prices where service_id = 'openai_dalle3'$$,
  'nobody but service_role sees the prices of a deactivated service'
);
select throws_ok(
  $$insert into public.service_prices (id, service_id, valid_from) values ('openai_gpt4o_x', 'openai_gpt4o', now())$$,
  '42501', null, 'anon writes no price'
);
select tests.clear_authentication();
select tests.create_user('alice');
select tests.authenticate_as('alice');
select throws_ok(
  $$update public.service_prices set input_per_million = 0 where service_id = 'openai_gpt4o'$$,
  '42501', null, 'a signed-in user changes no price'
);
select throws_ok(
  $$select xmin from public.service_prices$$,
  '42501', null, 'clients read no system column'
);

select * from finish();
rollback;
