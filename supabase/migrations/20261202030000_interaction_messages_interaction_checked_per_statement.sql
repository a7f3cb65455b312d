-- Partitioned history (issue 12), before ai_interactions is partitioned by month: the one
-- foreign key that references it, interaction_messages (interaction_id, user_id) ->
-- ai_interactions (id, user_id) on update cascade on delete cascade, becomes statement
-- triggers, as model_calls' references did (20261201010000, 20261201040000).
-- private.rebuild_history_table refuses incoming foreign keys, and a foreign key to a
-- partitioned table must name its partition key, which messages do not have (giving them
-- the interaction's started_at would change their API, and would have to follow an
-- interaction moved across months).
-- - Inserting or re-pointing a message: private.interaction_messages_check_interaction
--   (after insert, after update; once per statement) locks the distinct interactions the rows
--   name FOR KEY SHARE, as the foreign key did, and refuses the statement with 23503
--   (interaction_messages.interaction_id: not present in ai_interactions) if one is missing
--   or belongs to another user.
-- - Deleting an interaction deletes its messages; changing its user_id carries its messages
--   along; changing the id of an interaction that has messages is refused (23503). No API
--   role may change either column; the cascade from ai_agents (id, user_id) may change user_id.
-- Race-free as the foreign key was, in READ COMMITTED: a message writer that locked the
-- interaction first makes the delete wait, and the trigger's delete (a new snapshot) then
-- sees the message; a writer after the delete finds the interaction gone. In REPEATABLE READ
-- or SERIALIZABLE the trigger's delete could miss a message committed after its snapshot,
-- so deleting interactions that way is refused (0A000) when messages might be missed.
-- squawk-ignore ban-drop-constraint
alter table public.interaction_messages drop constraint interaction_messages_interaction_owned_by_user;

create function private.interaction_messages_check_interaction()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: newtable = new_rows, oldtable = old_rows
declare
  missing record;
begin
  if tg_op = 'INSERT' then
    with
    named as (select distinct n.interaction_id, n.user_id from new_rows as n),
    locked as (
      select i.id, i.user_id from public.ai_interactions as i
      where i.id in (select k.interaction_id from named as k)
      order by i.id
      for key share
    )
    select k.interaction_id, k.user_id into missing
    from named as k
    where not exists (
      select from locked as l where l.id = k.interaction_id and l.user_id = k.user_id
    )
    limit 1;
  else
    -- Only the rows whose (interaction_id, user_id) changed (a purge changes neither).
    with
    named as (
      select distinct n.interaction_id, n.user_id from new_rows as n
      where not exists (
        select from old_rows as o
        where o.id = n.id and o.interaction_id = n.interaction_id and o.user_id = n.user_id
      )
    ),
    locked as (
      select i.id, i.user_id from public.ai_interactions as i
      where i.id in (select k.interaction_id from named as k)
      order by i.id
      for key share
    )
    select k.interaction_id, k.user_id into missing
    from named as k
    where not exists (
      select from locked as l where l.id = k.interaction_id and l.user_id = k.user_id
    )
    limit 1;
  end if;
  if found then
    raise exception using
      errcode = '23503',
      message = 'interaction_messages.interaction_id: not present in ai_interactions for this user_id',
      detail = format(
        'Key (interaction_id, user_id)=(%s, %s) is not present.', missing.interaction_id, missing.user_id
      ),
      hint = 'A message belongs to an existing interaction of the same user.';
  end if;
  return null;
end;
$$;
comment on function private.interaction_messages_check_interaction() is
'Statement trigger on interaction_messages (after insert, after update; transition tables): the former foreign key (interaction_id, user_id) -> ai_interactions (id, user_id), checked once per statement. Locks the distinct interactions the new or re-pointed rows name FOR KEY SHARE, as a foreign key does, and refuses the statement with 23503 if one does not exist for that user.';
revoke execute on function private.interaction_messages_check_interaction()
from public, anon, authenticated, service_role;

create trigger interaction_messages_check_interaction_insert
after insert on public.interaction_messages
referencing new table as new_rows
for each statement execute function private.interaction_messages_check_interaction();
create trigger interaction_messages_check_interaction_update
after update on public.interaction_messages
referencing old table as old_rows new table as new_rows
for each statement execute function private.interaction_messages_check_interaction();

create function private.delete_messages_of_deleted_interactions()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = gone
begin
  if
    current_setting('transaction_isolation') <> 'read committed'
    and exists (
      select from public.interaction_messages as m
      where m.interaction_id in (select g.id from gone as g)
    )
  then
    raise exception using
      errcode = '0A000',
      message = format(
        'ai_interactions: an interaction is deleted with its messages in READ COMMITTED only, not %s',
        upper(current_setting('transaction_isolation'))
      ),
      hint = 'The messages are deleted by a trigger reading the transaction''s snapshot: '
        || 'in this isolation level it could miss messages written concurrently. '
        || 'Delete the interaction in a READ COMMITTED transaction.';
  end if;
  delete from public.interaction_messages as m
  where (m.interaction_id, m.user_id) in (select g.id, g.user_id from gone as g);
  return null;
end;
$$;
comment on function private.delete_messages_of_deleted_interactions() is
'Statement trigger on ai_interactions (after delete; transition table gone): deletes the deleted interactions'' messages (the cascade of the former foreign key interaction_messages (interaction_id, user_id), checked per statement by private.interaction_messages_check_interaction). Refuses (0A000) outside READ COMMITTED when there are messages, since its snapshot could miss messages written concurrently.';
revoke execute on function private.delete_messages_of_deleted_interactions()
from public, anon, authenticated, service_role;

create trigger ai_interactions_delete_messages
after delete on public.ai_interactions
referencing old table as gone
for each statement execute function private.delete_messages_of_deleted_interactions();

-- TRUNCATE (the owner only) refused while messages referenced the table; now it takes the
-- messages with it, as TRUNCATE ... CASCADE did.
create function private.truncate_messages_of_truncated_interactions()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  -- A DELETE, not a TRUNCATE: the statement that truncated ai_interactions may have named
  -- interaction_messages too (a table cannot be truncated by a trigger of its own truncate).
  delete from public.interaction_messages as m where m.interaction_id is not null;
  return null;
end;
$$;
comment on function private.truncate_messages_of_truncated_interactions() is
'Statement trigger on ai_interactions (after truncate): deletes every message (each belongs to an interaction).';
revoke execute on function private.truncate_messages_of_truncated_interactions()
from public, anon, authenticated, service_role;

create trigger ai_interactions_delete_messages_truncate
after truncate on public.ai_interactions
for each statement execute function private.truncate_messages_of_truncated_interactions();

create function private.move_messages_of_changed_interactions()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- @plpgsql_check_options: oldtable = old_rows, newtable = new_rows
declare
  orphan uuid;
begin
  -- An interaction's id changed while messages name it: refused, as the foreign key's
  -- cascade would have re-pointed them (no API role may change an id).
  select o.id into orphan
  from old_rows as o
  where
    not exists (select from new_rows as n where n.id = o.id)
    and exists (
      select from public.interaction_messages as m
      where m.interaction_id = o.id and m.user_id = o.user_id
    )
  limit 1;
  if found then
    raise exception using
      errcode = '23503',
      message = 'ai_interactions.id: the interaction has messages, its id cannot change',
      detail = format('Key (id)=(%s) is still referenced from table "interaction_messages".', orphan);
  end if;
  -- A user_id changed (the cascade from ai_agents (id, user_id)): the messages follow.
  update public.interaction_messages as m
  set user_id = n.user_id
  from old_rows as o
  inner join new_rows as n on o.id = n.id
  where
    o.user_id <> n.user_id
    and m.interaction_id = o.id
    and m.user_id = o.user_id;
  return null;
end;
$$;
comment on function private.move_messages_of_changed_interactions() is
'Statement trigger on ai_interactions (after update; transition tables): the update cascade of the former foreign key from interaction_messages: a changed user_id carries the interaction''s messages along; a changed id of an interaction with messages is refused (23503).';
revoke execute on function private.move_messages_of_changed_interactions()
from public, anon, authenticated, service_role;

create trigger ai_interactions_move_messages
after update on public.ai_interactions
referencing old table as old_rows new table as new_rows
for each statement execute function private.move_messages_of_changed_interactions();

comment on column public.interaction_messages.interaction_id is
'The interaction (conversation); it must belong to user_id (checked once per statement by private.interaction_messages_check_interaction; deleting the interaction deletes its messages).';
