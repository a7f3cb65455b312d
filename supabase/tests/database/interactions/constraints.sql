begin;
\ir ../helpers.psql
select plan(27);

select tests.create_user('alice');
insert into public.ai_agents (id, name, vendor_id, user_id)
values ('a0000000-0000-4000-8000-000000000001', 'Alice agent', 'anthropic', tests.get_user_id('alice'));

-- Every value is written as alice would write it, through RLS and the column grants.
select tests.authenticate_as('alice');

select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title) values (%L, '   ')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a blank title is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title) values (%L, repeat('t', 501))$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a title over 500 characters is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title) values (%L, null)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23502', null, 'a missing title is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, input_tokens) values (%L, 'x', -1)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'negative input_tokens are refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, output_tokens) values (%L, 'x', -1)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'negative output_tokens are refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, total_cost) values (%L, 'x', -0.0001)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a negative total_cost is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, total_cost) values (%L, 'x', 100000000)$$, 'a0000000-0000-4000-8000-000000000001'),
  '22003', null, 'a total_cost beyond numeric(16,8) is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, satisfaction_rating) values (%L, 'x', 0)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a satisfaction_rating below 1 is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, satisfaction_rating) values (%L, 'x', 6)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a satisfaction_rating above 5 is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, usefulness_rating) values (%L, 'x', 6)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a usefulness_rating above 5 is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, duration_minutes) values (%L, 'x', -1)$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a negative duration is refused'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, started_at, ended_at)
      values (%L, 'x', '2026-01-02 10:00+00', '2026-01-02 09:59+00')$$,
    'a0000000-0000-4000-8000-000000000001'
  ),
  '23514', null, 'ended_at before started_at is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, status) values (%L, 'x', 'paused')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a status outside active, completed, archived, deleted is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, tags) values (%L, 'x', '{ok,"  "}')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a blank tag is refused'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, keywords)
      values (%L, 'x', array(select 'k' || g from generate_series(1, 51) as g))$$,
    'a0000000-0000-4000-8000-000000000001'
  ),
  '23514', null, 'more than 50 keywords are refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, external_metadata) values (%L, 'x', '[1]')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'external_metadata that is not an object is refused'
);
select throws_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, external_metadata)
      values (%L, 'x', jsonb_build_object('blob', repeat('b', 70000)))$$,
    'a0000000-0000-4000-8000-000000000001'
  ),
  '23514', null, 'external_metadata over 64 KiB is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, external_link) values (%L, 'x', 'ftp://x.example')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'an external_link that is not http(s) is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, external_id) values (%L, 'x', ' ')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a blank external_id is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, description) values (%L, 'x', repeat('d', 4001))$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a description over 4000 characters is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, content_preview) values (%L, 'x', repeat('p', 4001))$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'a content_preview over 4000 characters is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, feedback_notes) values (%L, 'x', repeat('f', 10001))$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'feedback_notes over 10000 characters are refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, full_content) values (%L, 'x', repeat('c', 1000001))$$, 'a0000000-0000-4000-8000-000000000001'),
  '23514', null, 'full_content over 1,000,000 characters is refused'
);
select throws_ok(
  format($$insert into public.ai_interactions (agent_id, title, interaction_type_id) values (%L, 'x', 'no_such_type')$$, 'a0000000-0000-4000-8000-000000000001'),
  '23503', null, 'an unknown interaction type is refused'
);

-- The limits themselves are accepted.
select lives_ok(
  format(
    $$insert into public.ai_interactions (
        agent_id, title, full_content, satisfaction_rating, usefulness_rating, tags, keywords,
        external_metadata, external_link, total_cost, status
      ) values (
        %L, repeat('t', 500), repeat('c', 1000000), 1, 5, '{a,b}', '{k}',
        '{"conversation": {"id": "c-1"}}', 'https://chat.example/c/1', 99999999.99999999, 'archived'
      )$$,
    'a0000000-0000-4000-8000-000000000001'
  ),
  'values at the limits are accepted'
);
select lives_ok(
  format(
    $$insert into public.ai_interactions (agent_id, title, satisfaction_rating, usefulness_rating)
      values (%L, 'Unrated', null, null)$$,
    'a0000000-0000-4000-8000-000000000001'
  ),
  'ratings may be left null'
);
select is(
  (
    select total_cost from public.ai_interactions
    where title = 'Unrated'
  ),
  null,
  'total_cost is null (not priced) unless given'
);

select * from finish();
rollback;
