"""What every API caller may do with every object PostgREST exposes: the one table to edit.

tests/test_isolation_matrix.py discovers every relation, column and function of the exposed
schemas from pg_catalog, runs every operation as every caller the way PostgREST runs a request,
and compares each outcome with what is declared here. An object, column, function parameter or
tenant reference that is not declared here fails the test with a message naming what to add.

Callers (the columns of the `rows` and FUNCTIONS tables):
  anon     signed out (the anon key), probing alice's rows
  own      alice, signed in, on her own (private) rows
  other    alice on bob's private rows
  public   alice on bob's rows that belong to an agent he made public (is_public)
  user     alice on catalog rows (relations without a user_id) or calling a function that
           takes no tenant argument
  service  service_role (probing alice's rows)
`-` marks a caller that does not apply (no such rows, or no tenant argument).

Outcomes:
  allow      it happens: select returns the row; insert, update, delete write it
  filter     RLS hides the row: select returns nothing; update and delete change nothing
             (re-read as postgres afterwards), with no error
  deny       refused with SQLSTATE 42501 (no privilege, or a policy's WITH CHECK)
  read_only  refused with SQLSTATE 55000: a view that is not updatable, whoever asks
  not_found  SQLSTATE PT404 (HTTP 404): a function answers as if the object did not exist
  fk         SQLSTATE 23503: a composite foreign key refused it (service_role, which bypasses
             RLS, writing a row whose agent belongs to someone else)
  required   SQLSTATE 22004: an argument the caller must give was left out (service_role
             calling a function that acts for the signed-in user without naming the user)

Operations on a relation (rows of the `rows` tables):
  select   select * where key = the caller's target row
  insert   the target row is deleted (as postgres, inside the probe) and inserted again by the
           caller with the columns it may insert (all columns when it may insert none)
  update   set <first column the caller may update> = itself where key = the target row
  delete   delete where key = the target row
           Both also run blind for callers under RLS (`update ... set c = default`, `delete`,
           no where, no returning): a targeted write reads columns, so PostgreSQL applies the
           SELECT policies too, which would hide a too-permissive UPDATE or DELETE policy.
           Both forms must give the declared outcome for the target row.
  upsert   (tables) insert ... on conflict (primary key) do update: alice's own row values under
           the target row's key, so `other`/`public` try to overwrite bob's row
Every write uses RETURNING *, and everything returned or raised is scanned for secrets.

Column privileges (the `columns` tables): per role, s = select, i = insert, u = update, - = none.
"""

from __future__ import annotations

from dataclasses import dataclass

# Placeholders in ARGUMENTS: the value comes from the probe's caller (see FUNCTIONS).
AGENT = "<the target agent: alice's, bob's, or bob's public one>"
USER = "<the target user: alice or bob>"


@dataclass(frozen=True)
class Relation:
    rows: str
    columns: str


# Catalog relations: everyone reads (active rows), only service_role writes.
CATALOG_ROWS = """
            anon  user  service
    select  allow allow allow
    insert  deny  deny  allow
    update  deny  deny  allow
    delete  deny  deny  allow
    upsert  deny  deny  allow
"""

# User tables clients write: the owner does everything, other users' rows are invisible (public
# agents are readable), anon gets nothing, service_role everything. Clients never choose ids
# (issue 9), so an upsert on the primary key is refused even to the owner.
OWNED_ROWS = """
            anon  own   other  public  service
    select  deny  allow filter filter  allow
    insert  deny  allow deny   deny    allow
    update  deny  allow filter filter  allow
    delete  deny  allow filter filter  allow
    upsert  deny  deny  deny   deny    allow
"""

RELATIONS: dict[str, Relation] = {
    "vendors": Relation(
        rows=CATALOG_ROWS,
        columns="""
                        anon  authenticated  service_role
            id          s     s              si
            name        s     s              siu
            description s     s              siu
            auth_type   s     s              siu
            base_url    s     s              siu
            is_active   s     s              siu
            created_at  s     s              s
            updated_at  s     s              s
        """,
    ),
    "vendor_services": Relation(
        rows=CATALOG_ROWS,
        columns="""
                         anon  authenticated  service_role
            id           s     s              si
            vendor_id    s     s              siu
            service_name s     s              siu
            display_name s     s              siu
            description  s     s              siu
            is_active    s     s              siu
            created_at   s     s              s
            updated_at   s     s              s
        """,
    ),
    # service_role's UPDATE on the catalog ids: PostgREST's upsert sets the key too.
    "agent_features": Relation(
        rows=CATALOG_ROWS,
        columns="""
                        anon  authenticated  service_role
            id          s     s              siu
            name        s     s              siu
            description s     s              siu
            category    s     s              siu
            icon        s     s              siu
            is_active   s     s              siu
            sort_order  s     s              siu
            created_at  s     s              s
            updated_at  s     s              s
        """,
    ),
    "interaction_types": Relation(
        rows=CATALOG_ROWS,
        columns="""
                        anon  authenticated  service_role
            id          s     s              siu
            name        s     s              siu
            description s     s              siu
            category    s     s              siu
            icon        s     s              siu
            color       s     s              siu
            is_active   s     s              siu
            sort_order  s     s              siu
            created_at  s     s              s
            updated_at  s     s              s
        """,
    ),
    # Prices of vendor services (issue 10): a catalog, read by everyone for visible services.
    "service_prices": Relation(
        rows=CATALOG_ROWS,
        columns="""
                                     anon  authenticated  service_role
            id                       s     s              si
            service_id               s     s              siu
            input_per_million        s     s              siu
            cached_input_per_million s     s              siu
            cache_write_per_million  s     s              siu
            output_per_million       s     s              siu
            reasoning_per_million    s     s              siu
            per_request              s     s              siu
            currency                 s     s              siu
            valid_from               s     s              siu
            valid_until              s     s              siu
            valid_during             s     s              s
            source_url               s     s              siu
            listed_on                s     s              siu
            notes                    s     s              siu
            created_at               s     s              s
            updated_at               s     s              s
        """,
    ),
    # Public agents are readable (whole row) by every signed-in user, never writable.
    "ai_agents": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter allow   allow
            insert  deny  allow deny   deny    allow
            update  deny  allow filter filter  allow
            delete  deny  allow filter filter  allow
            upsert  deny  deny  deny   deny    allow
        """,
        columns="""
                           anon  authenticated  service_role
            id             -     s              si
            name           -     siu            siu
            description    -     siu            siu
            vendor_id      -     siu            siu
            service_id     -     siu            siu
            model_name     -     siu            siu
            system_prompt  -     siu            siu
            configuration  -     siu            siu
            capabilities   -     siu            siu
            notes          -     siu            siu
            tags           -     siu            siu
            activity_score -     s              su
            last_used_at   -     s              su
            usage_count    -     s              su
            is_active      -     siu            siu
            is_favorite    -     siu            siu
            is_public      -     siu            siu
            user_id        -     si             si
            created_at     -     s              s
            updated_at     -     s              s
            status         -     siu            siu
        """,
    ),
    "agent_feature_mappings": Relation(
        rows=OWNED_ROWS,
        columns="""
                       anon  authenticated  service_role
            id         -     s              si
            agent_id   -     si             si
            feature_id -     siu            siu
            is_primary -     siu            siu
            user_id    -     si             si
            created_at -     s              s
        """,
    ),
    "ai_agent_configs": Relation(
        rows=OWNED_ROWS,
        columns="""
                         anon  authenticated  service_role
            id           -     s              si
            agent_id     -     si             si
            config_key   -     siu            siu
            config_value -     siu            siu
            config_type  -     siu            siu
            description  -     siu            siu
            is_encrypted -     siu            siu
            user_id      -     si             si
            created_at   -     s              s
            updated_at   -     s              s
        """,
    ),
    "ai_interactions": Relation(
        rows=OWNED_ROWS,
        columns="""
                                anon  authenticated  service_role
            id                  -     s              si
            agent_id            -     si             si
            title               -     siu            siu
            description         -     siu            siu
            interaction_type_id -     siu            siu
            external_link       -     siu            siu
            external_id         -     siu            siu
            external_metadata   -     siu            siu
            content_preview     -     siu            siu
            full_content        -     siu            siu
            input_tokens        -     siu            siu
            output_tokens       -     siu            siu
            total_cost          -     siu            siu
            tags                -     siu            siu
            keywords            -     siu            siu
            satisfaction_rating -     siu            siu
            usefulness_rating   -     siu            siu
            feedback_notes      -     siu            siu
            started_at          -     siu            siu
            ended_at            -     siu            siu
            duration_minutes    -     siu            siu
            status              -     siu            siu
            user_id             -     si             si
            created_at          -     s              s
            updated_at          -     s              s
            vendor_id           -     s              si
            service_id          -     s              si
        """,
    ),
    # Rows come only from store_user_api_key (no insert for anyone); the key material is in
    # private.user_api_key_secrets, which no API role can read.
    "user_api_keys": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  deny  deny   deny
            update  deny  allow filter allow
            delete  deny  allow filter allow
            upsert  deny  deny  deny   deny
        """,
        columns="""
                          anon  authenticated  service_role
            id            -     s              s
            user_id       -     s              s
            vendor_id     -     s              s
            service_id    -     s              s
            encrypted_key -     s              s
            key_preview   -     s              s
            display_name  -     su             su
            is_active     -     su             su
            last_used_at  -     s              su
            created_at    -     s              s
            updated_at    -     s              s
        """,
    ),
    # Derived data: only update_daily_usage_stats (security definer) writes it.
    "ai_usage_stats": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  deny  deny   deny
            update  deny  deny  deny   deny
            delete  deny  deny  deny   deny
            upsert  deny  deny  deny   deny
        """,
        columns="""
                                   anon  authenticated  service_role
            id                     -     s              s
            user_id                -     s              s
            date                   -     s              s
            total_interactions     -     s              s
            unique_agents_used     -     s              s
            total_duration_minutes -     s              s
            feature_usage          -     s              s
            vendor_usage           -     s              s
            total_cost             -     s              s
            total_input_tokens     -     s              s
            total_output_tokens    -     s              s
            avg_satisfaction       -     s              s
            avg_usefulness         -     s              s
            created_at             -     s              s
            updated_at             -     s              s
            unpriced_events        -     s              s
        """,
    ),
    # Corrections of usage (issue 10): written only by correct_interaction_usage and
    # reprice_model_calls (security definer, service_role); the user whose spend changed reads
    # them; nobody writes them through the API.
    "usage_corrections": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  deny  deny   deny
            update  deny  deny  deny   deny
            delete  deny  deny  deny   deny
            upsert  deny  deny  deny   deny
        """,
        columns="""
                              anon  authenticated  service_role
            id                -     s              s
            run_id            -     s              s
            kind              -     s              s
            user_id           -     s              s
            interaction_id    -     s              s
            service_id        -     s              s
            range_from        -     s              s
            range_until       -     s              s
            rows_changed      -     s              s
            old_input_tokens  -     s              s
            new_input_tokens  -     s              s
            old_output_tokens -     s              s
            new_output_tokens -     s              s
            old_cost          -     s              s
            new_cost          -     s              s
            old_unpriced      -     s              s
            new_unpriced      -     s              s
            old_started_at    -     s              s
            new_started_at    -     s              s
            old_vendor_id     -     s              s
            new_vendor_id     -     s              s
            old_service_id    -     s              s
            new_service_id    -     s              s
            reason            -     s              s
            corrected_by      -     s              s
            corrected_by_role -     s              s
            corrected_at      -     s              s
        """,
    ),
    # The audit trail: written only by triggers; owners read their own entries (owner_id),
    # service_role reads all; nobody updates, deletes or inserts through the API.
    "audit_logs": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  deny  deny   deny
            update  deny  deny  deny   deny
            delete  deny  deny  deny   deny
            upsert  deny  deny  deny   deny
        """,
        columns="""
                           anon  authenticated  service_role
            id             -     s              s
            occurred_at    -     s              s
            transaction_id -     s              s
            actor_id       -     s              s
            actor_role     -     s              s
            table_name     -     s              s
            record_id      -     s              s
            action         -     s              s
            old_row        -     s              s
            new_row        -     s              s
            owner_id       -     s              s
            recorded_at    -     s              s
        """,
    ),
    # Model calls (issue 10): the owner reads them; nobody writes them directly, not even
    # service_role: record_model_call(s) (security definer) is the only way in.
    "model_calls": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter filter  allow
            insert  deny  deny  deny   deny    deny
            update  deny  deny  deny   deny    deny
            delete  deny  deny  deny   deny    deny
            upsert  deny  deny  deny   deny    deny
        """,
        columns="""
                                   anon  authenticated  service_role
            id                     -     s              s
            user_id                -     s              s
            agent_id               -     s              s
            interaction_id         -     s              s
            vendor_id              -     s              s
            service_id             -     s              s
            model_name             -     s              s
            input_tokens           -     s              s
            cached_input_tokens    -     s              s
            cache_write_tokens     -     s              s
            output_tokens          -     s              s
            reasoning_tokens       -     s              s
            cost                   -     s              s
            price_id               -     s              s
            cost_supplied          -     s              s
            latency_ms             -     s              s
            time_to_first_token_ms -     s              s
            status                 -     s              s
            error_code             -     s              s
            error_message          -     s              s
            started_at             -     s              s
            ended_at               -     s              s
            metadata               -     s              s
            idempotency_key        -     s              s
            created_at             -     s              s
        """,
    ),
    # Each user's settings (issue 10), one row per user: the owner reads and writes it
    # (set_time_zone, or plain writes), nobody else's; ids are the database's (no upsert on id).
    "user_settings": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  allow deny   allow
            update  deny  allow filter allow
            delete  deny  allow filter allow
            upsert  deny  deny  deny   allow
        """,
        columns="""
                       anon  authenticated  service_role
            id         -     s              si
            user_id    -     si             si
            time_zone  -     siu            siu
            created_at -     s              s
            updated_at -     s              s
            message_retention_days -  siu     siu
        """,
    ),
    # Lifecycle history (issue 13): written only by a trigger on ai_agents; the owner reads it
    # (not other users, even of a public agent); nobody writes it through the API.
    "agent_status_history": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter filter  allow
            insert  deny  deny  deny   deny    deny
            update  deny  deny  deny   deny    deny
            delete  deny  deny  deny   deny    deny
            upsert  deny  deny  deny   deny    deny
        """,
        columns="""
                            anon  authenticated  service_role
            id              -     s              s
            agent_id        -     s              s
            user_id         -     s              s
            from_status     -     s              s
            to_status       -     s              s
            reason          -     s              s
            changed_by      -     s              s
            changed_by_role -     s              s
            changed_at      -     s              s
        """,
    ),
    # Messages of an interaction (issue 13): the owner does everything but choose ids;
    # service_role everything. Interaction, owner and position are fixed once written.
    "interaction_messages": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  allow deny   allow
            update  deny  allow filter allow
            delete  deny  allow filter allow
            upsert  deny  deny  deny   allow
        """,
        columns="""
                              anon  authenticated  service_role
            id                -     s              si
            interaction_id    -     si             si
            user_id           -     si             si
            position          -     si             si
            role              -     siu            siu
            content           -     siu            siu
            metadata          -     siu            siu
            model_call_id     -     siu            siu
            tokens            -     siu            siu
            content_purged_at -     su             su
            created_at        -     s              si
            content_search    -     s              s
        """,
    ),
    # Per-agent daily figures (issue 10, rollups): derived, written only by
    # refresh_usage_rollups (security definer); the owner reads their rows, also those of
    # an agent they made public (sharing an agent shares no figures).
    "agent_usage_daily": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter filter  allow
            insert  deny  deny  deny   deny    deny
            update  deny  deny  deny   deny    deny
            delete  deny  deny  deny   deny    deny
            upsert  deny  deny  deny   deny    deny
        """,
        columns="""
                                 anon  authenticated  service_role
            user_id              -     s              s
            agent_id             -     s              s
            day                  -     s              s
            calls                -     s              s
            interactions         -     s              s
            input_tokens         -     s              s
            cached_input_tokens  -     s              s
            cache_write_tokens   -     s              s
            output_tokens        -     s              s
            reasoning_tokens     -     s              s
            cost                 -     s              s
            unpriced_calls       -     s              s
            failed_calls         -     s              s
            cancelled_calls      -     s              s
            latency_p50_ms       -     s              s
            latency_p95_ms       -     s              s
            refreshed_at         -     s              s
        """,
    ),
    # Budgets (issue 11): the owner manages their own; what a budget counts (scope, period,
    # target ids) is given once; ids are the database's.
    "budgets": Relation(
        rows=OWNED_ROWS,
        columns="""
                         anon  authenticated  service_role
            id           -     s              si
            user_id      -     si             si
            name         -     siu            siu
            scope        -     si             si
            agent_id     -     si             si
            vendor_id    -     si             si
            service_id   -     si             si
            period       -     si             si
            limit_amount -     siu            siu
            thresholds   -     siu            siu
            is_hard      -     siu            siu
            created_at   -     s              s
            updated_at   -     s              s
        """,
    ),
    # Alerts are written only by the budget triggers; the owner reads and acknowledges them.
    "budget_alerts": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  deny  deny   deny
            update  deny  allow filter allow
            delete  deny  deny  deny   deny
            upsert  deny  deny  deny   deny
        """,
        columns="""
                            anon  authenticated  service_role
            id              -     s              s
            budget_id       -     s              s
            user_id         -     s              s
            period_start    -     s              s
            threshold       -     s              s
            spent           -     s              s
            limit_amount    -     s              s
            created_at      -     s              s
            acknowledged_at -     su             su
        """,
    ),
    # Reservations are written only by admit_model_call and record_model_call(s).
    "budget_reservations": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter filter  allow
            insert  deny  deny  deny   deny    deny
            update  deny  deny  deny   deny    deny
            delete  deny  deny  deny   deny    deny
            upsert  deny  deny  deny   deny    deny
        """,
        columns="""
                           anon  authenticated  service_role
            id             -     s              s
            user_id        -     s              s
            agent_id       -     s              s
            vendor_id      -     s              s
            service_id     -     s              s
            estimated_cost -     s              s
            expires_at     -     s              s
            settled_at     -     s              s
            actual_cost    -     s              s
            model_call_id  -     s              s
            created_at     -     s              s
        """,
    ),
    # Agent schedules (issue 13): one per agent, written by its owner; the database keeps
    # next_run_at and last_run_at. Ids are the database's (no upsert on id for clients; one
    # schedule per agent, agent_schedules_agent_id_key).
    "agent_schedules": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter filter  allow
            insert  deny  allow deny   deny    allow
            update  deny  allow filter filter  allow
            delete  deny  allow filter filter  allow
            upsert  deny  deny  deny   deny    allow
        """,
        columns="""
                         anon  authenticated  service_role
            id           -     s              si
            agent_id     -     si             si
            user_id      -     si             si
            time_zone    -     siu            siu
            active_hours -     siu            siu
            cron         -     siu            siu
            is_enabled   -     siu            siu
            next_run_at  -     s              su
            last_run_at  -     s              su
            created_at   -     s              s
            updated_at   -     s              s
        """,
    ),
    # The task queue (issue 13): owners create and read their tasks and cancel them through
    # cancel_task (no UPDATE); workers (service_role) write the queue columns through
    # claim_next_task / complete_task / fail_task.
    "agent_tasks": Relation(
        rows="""
                    anon  own   other  public  service
            select  deny  allow filter filter  allow
            insert  deny  allow deny   deny    allow
            update  deny  deny  deny   deny    allow
            delete  deny  deny  deny   deny    allow
            upsert  deny  deny  deny   deny    deny
        """,
        columns="""
                                 anon  authenticated  service_role
            id                   -     s              s
            user_id              -     si             si
            agent_id             -     si             si
            title                -     si             siu
            payload              -     si             siu
            priority             -     si             siu
            not_before           -     si             siu
            status               -     s              su
            attempts             -     s              su
            max_attempts         -     si             siu
            backoff_seconds      -     si             siu
            pending_dependencies -     s              s
            claimed_by           -     s              su
            claimed_at           -     s              su
            claim_expires_at     -     s              su
            result               -     s              su
            error                -     s              su
            created_at           -     s              s
            updated_at           -     s              s
            started_at           -     s              su
            finished_at          -     s              su
        """,
    ),
    # Edges of the task DAG: owners add them (same user, pending task, no cycle), nobody
    # changes them; service_role removes them.
    "agent_task_dependencies": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  allow deny   allow
            update  deny  deny  deny   deny
            delete  deny  deny  deny   allow
            upsert  deny  deny  deny   deny
        """,
        columns="""
                       anon  authenticated  service_role
            id         -     s              si
            task_id    -     si             si
            depends_on -     si             si
            user_id    -     si             si
            satisfied  -     s              s
            created_at -     s              s
        """,
    ),
    # The execution history: written by the queue functions; owners read theirs.
    "agent_task_attempts": Relation(
        rows="""
                    anon  own   other  service
            select  deny  allow filter allow
            insert  deny  deny  deny   allow
            update  deny  deny  deny   allow
            delete  deny  deny  deny   deny
            upsert  deny  deny  deny   deny
        """,
        columns="""
                             anon  authenticated  service_role
            id               -     s              s
            task_id          -     s              si
            user_id          -     s              si
            attempt          -     s              si
            worker           -     s              si
            claimed_at       -     s              si
            lease_expires_at -     s              si
            finished_at      -     s              su
            outcome          -     s              su
            error            -     s              su
        """,
    ),
    # Views (security_invoker): RLS of the tables beneath decides; nobody writes them.
    "agent_summary": Relation(
        rows="""
                    anon      own       other     public    service
            select  deny      allow     filter    allow     allow
            insert  read_only read_only read_only read_only read_only
            update  read_only read_only read_only read_only read_only
            delete  read_only read_only read_only read_only read_only
        """,
        columns="""
                                 anon  authenticated  service_role
            id                   -     s              s
            name                 -     s              s
            description          -     s              s
            vendor_id            -     s              s
            vendor_name          -     s              s
            service_id           -     s              s
            service_display_name -     s              s
            model_name           -     s              s
            tags                 -     s              s
            features             -     s              s
            primary_feature      -     s              s
            is_active            -     s              s
            is_favorite          -     s              s
            is_public            -     s              s
            activity_score       -     s              s
            usage_count          -     s              s
            last_used_at         -     s              s
            interaction_count    -     s              s
            total_input_tokens   -     s              s
            total_output_tokens  -     s              s
            total_cost           -     s              s
            last_interaction_at  -     s              s
            avg_satisfaction     -     s              s
            avg_usefulness       -     s              s
            user_id              -     s              s
            created_at           -     s              s
            updated_at           -     s              s
            status               -     s              s
        """,
    ),
    "recent_interactions": Relation(
        rows="""
                    anon      own       other     public    service
            select  deny      allow     filter    filter    allow
            insert  read_only read_only read_only read_only read_only
            update  read_only read_only read_only read_only read_only
            delete  read_only read_only read_only read_only read_only
        """,
        columns="""
                                   anon  authenticated  service_role
            id                     -     s              s
            agent_id               -     s              s
            agent_name             -     s              s
            vendor_id              -     s              s
            vendor_name            -     s              s
            service_id             -     s              s
            service_display_name   -     s              s
            model_name             -     s              s
            title                  -     s              s
            description            -     s              s
            interaction_type_id    -     s              s
            interaction_type_name  -     s              s
            interaction_type_icon  -     s              s
            interaction_type_color -     s              s
            content_preview        -     s              s
            external_link          -     s              s
            external_id            -     s              s
            input_tokens           -     s              s
            output_tokens          -     s              s
            total_cost             -     s              s
            tags                   -     s              s
            satisfaction_rating    -     s              s
            usefulness_rating      -     s              s
            started_at             -     s              s
            ended_at               -     s              s
            duration_minutes       -     s              s
            status                 -     s              s
            user_id                -     s              s
            created_at             -     s              s
        """,
    ),
}

# Every column of a user table that references another tenant's data (a foreign key to a user
# table or to auth.users). Probes, as alice and as service_role: insert a copy of alice's row
# with this column pointing at bob's row (bob's private AND bob's public agent for agent
# references; bob himself for user_id), and update alice's row to point there. `user` is alice
# (authenticated), `service` is service_role.
CROSS_TENANT = """
    table                   column    insert_user  insert_service  update_user  update_service
    ai_agents               user_id   deny         allow           deny         deny
    agent_feature_mappings  agent_id  deny         fk              deny         deny
    agent_feature_mappings  user_id   deny         fk              deny         deny
    ai_agent_configs        agent_id  deny         fk              deny         deny
    ai_agent_configs        user_id   deny         fk              deny         deny
    ai_interactions         agent_id  deny         fk              deny         deny
    ai_interactions         user_id   deny         fk              deny         deny
    user_api_keys           user_id   deny         deny            deny         deny
    ai_usage_stats          user_id   deny         deny            deny         deny
    model_calls             user_id         deny   deny            deny         deny
    usage_corrections       user_id         deny   deny            deny         deny
    user_settings           user_id         deny   allow           deny         deny
    agent_status_history    agent_id        deny   deny            deny         deny
    agent_status_history    user_id         deny   deny            deny         deny
    interaction_messages    interaction_id  deny   fk              deny         deny
    interaction_messages    user_id         deny   fk              deny         deny
    agent_usage_daily       user_id         deny   deny            deny         deny
    budgets                 agent_id        deny   fk              deny         deny
    budgets                 user_id         deny   fk              deny         deny
    budget_alerts           budget_id       deny   deny            deny         deny
    budget_alerts           user_id         deny   deny            deny         deny
    budget_reservations     agent_id        deny   deny            deny         deny
    budget_reservations     user_id         deny   deny            deny         deny
    agent_schedules         agent_id        deny   fk              deny         deny
    agent_schedules         user_id         deny   fk              deny         deny
    agent_tasks             agent_id        deny   fk              deny         deny
    agent_tasks             user_id         deny   fk              deny         deny
    agent_task_dependencies task_id         deny   fk              deny         deny
    agent_task_dependencies depends_on      deny   fk              deny         deny
    agent_task_dependencies user_id         deny   fk              deny         deny
    agent_task_attempts     task_id         deny   fk              deny         deny
    agent_task_attempts     user_id         deny   fk              deny         deny
"""

# Every function in the exposed schemas, called with named arguments (ARGUMENTS) as PostgREST
# does for /rpc/<name>. Functions with an agent_id or user_id argument are probed as own,
# other (and public for agent_id); the others as user. due_agents finds no schedule due
# (filter: no rows); claim_next_task takes bob's first task (alice's are already claimed).
FUNCTIONS = """
    function                       anon  own    other     public    user   service
    get_agent_with_features        deny  allow  not_found allow     -      allow
    get_agent_usage_summary        deny  allow  not_found not_found -      allow
    update_agent_activity_score    deny  allow  not_found not_found -      allow
    store_user_api_key             deny  -      -         -         allow  deny
    get_user_api_key               deny  deny   deny      -         -      allow
    update_api_key_last_used       deny  deny   deny      -         -      allow
    rotate_api_key_encryption_key  deny  -      -         -         deny   allow
    add_vendor                     deny  -      -         -         deny   allow
    add_vendor_service             deny  -      -         -         deny   allow
    sync_catalog                   deny  -      -         -         deny   allow
    update_daily_usage_stats       deny  -      -         -         deny   allow
    schedule_agentsdb_jobs         deny  -      -         -         deny   allow
    record_model_call              deny  allow  not_found not_found -      allow
    record_model_calls             deny  -      -         -         filter filter
    set_time_zone                  deny  -      -         -         allow  deny
    set_agent_status               deny  allow  not_found not_found -      allow
    archive_agent                  deny  allow  not_found not_found -      allow
    restore_agent                  deny  allow  not_found not_found -      allow
    create_agent_from_template     deny  allow  not_found allow     -      deny
    search_messages                deny  -      -         -         allow  deny
    purge_message_content          deny  -      -         -         allow  allow
    get_cost_breakdown             deny  -      -         -         allow  required
    refresh_usage_rollups          deny  -      -         -         deny   allow
    correct_interaction_usage      deny  -      -         -         deny   not_found
    reprice_model_calls            deny  -      -         -         deny   allow
    admit_model_call               deny  allow  not_found not_found -      allow
    get_budget_status              deny  -      -         -         allow  filter
    acknowledge_budget_alert       deny  -      -         -         not_found not_found
    is_agent_active_now            deny  allow  not_found not_found -      allow
    agent_next_run                 deny  allow  not_found not_found -      allow
    due_agents                     deny  -      -         -         deny   filter
    claim_next_task                deny  -      -         -         deny   allow
    complete_task                  deny  -      -         -         deny   not_found
    fail_task                      deny  -      -         -         deny   not_found
    cancel_task                    deny  -      -         -         not_found not_found
    add_task                       deny  allow  not_found not_found -      allow
    claim_idempotency_key          deny  -      -         -         allow  required
    release_idempotency_key        deny  -      -         -         allow  required
"""

# Computed relationships: functions PostgREST embeds through (`parent?select=*,name(*)`),
# not RPCs (their one argument is unnamed). `to`: one (rows 1) or many. Each is called with
# the caller's target parent row (own: alice's on her private agent; other, public: bob's on
# his private or public agent, forged: the function accepts any row value); RLS decides.
# Executable by the roles that read both sides (PUBLIC_EXECUTE). The catalog is readable by
# every signed-in user; bob's public agent by alice.
EMBEDS = """
parent               name                 target               to   anon own   other  public service
ai_interactions      interaction_messages interaction_messages many deny allow filter filter allow
interaction_messages ai_interactions      ai_interactions      one  deny allow filter filter allow
recent_interactions  interaction_messages interaction_messages many deny allow filter filter allow
interaction_messages recent_interactions  recent_interactions  one  deny allow filter filter allow
model_calls          vendors              vendors              one  deny allow allow  allow  allow
model_calls          vendor_services      vendor_services      one  deny allow allow  allow  allow
model_calls          service_prices       service_prices       one  deny allow allow  allow  allow
model_calls          ai_agents            ai_agents            one  deny allow filter allow  allow
model_calls          ai_interactions      ai_interactions      one  deny allow filter filter allow
ai_interactions      model_calls          model_calls          many deny allow filter filter allow
"""

# A value for every function parameter that has no default (parameters with defaults are left
# out, as a PostgREST caller may). AGENT and USER are filled in per caller.
ARGUMENTS: dict[str, object] = {
    "agent_id": AGENT,
    "user_id": USER,
    "vendor_id": "openai",
    "service_id": None,
    "api_key": "sk-matrix-Fresh7Key9Never0Stored",
    "id": "matrix_rpc_vendor",
    "name": "Matrix RPC vendor",
    "service_name": "matrix-rpc-model",
    "catalog": "{}",  # sync_catalog: an empty catalog document (jsonb)
    "calls": "[]",  # record_model_calls: an empty batch records nothing (no rows: filter)
    "time_zone": "UTC",  # set_time_zone
    "status": "paused",  # set_agent_status: the matrix's agents are active
    "template_agent_id": AGENT,  # create_agent_from_template
    "query": "matrix",  # search_messages: build_world's messages say "matrix"
    "older_than_days": 0,  # purge_message_content
    # get_cost_breakdown
    "period": "month",
    "group_by": "model",
    "from_date": "2026-01-01",
    "to_date": "2026-12-31",
    "interaction_id": "00000000-0000-4000-8000-00000000dead",  # correct_interaction_usage: none
    "reason": "isolation matrix probe",
    "since": "2000-01-01T00:00:00Z",  # reprice_model_calls (service_id null: every service)
    "until": "2000-01-02T00:00:00Z",
    "estimated_cost": "0",  # admit_model_call: nothing to hold (no hard budget refuses it)
    "alert_id": "00000000-0000-4000-8000-00000000a1e7",  # acknowledge_budget_alert: none such
    "worker": "matrix-worker",  # claim_next_task, complete_task, fail_task
    "task_id": "00000000-0000-4000-8000-000000000000",  # no such task: not_found
    "error": "matrix failure",  # fail_task
    "idempotency_key": "matrix-probe-key",  # claim_idempotency_key, release_idempotency_key
}

# Functions in schema private that an API role may execute. Check constraints run their
# functions with the writer's privileges, so the tag predicate must be executable by writers;
# the security definer bodies of two RPCs live in private (out of the exposed schema, so the
# Security Advisor reports no definer RPC) and are executed through the public security
# invoker RPCs of the same name; every other private function is executable by no API role.
PRIVATE_EXECUTE: dict[str, set[str]] = {
    "is_valid_tag_array": {"authenticated", "service_role"},
    "store_user_api_key": {"authenticated"},
    "update_agent_activity_score": {"authenticated", "service_role"},
    "schedule_jobs": {"service_role"},
    # Policies call it to shut anonymous sign-ins out of user tables (issue 9).
    "is_anonymous": {"authenticated"},
    # The definer bodies of record_model_call(s), called by the public invoker RPCs (issue 10).
    "record_model_call": {"authenticated", "service_role"},
    "record_model_calls": {"authenticated", "service_role"},
    # The definer bodies of the rollups' RPCs (issue 10, rollups).
    "cost_breakdown": {"authenticated", "service_role"},
    "refresh_usage_rollups": {"service_role"},
    # The body of get_agent_usage_summary and agent_summary's usage columns (reads rollups).
    "agent_interaction_totals": {"authenticated", "service_role"},
    # agent_summary's usage columns for the caller's own agents (issue 12, lifetime sums).
    "agent_lifetime_totals": {"authenticated", "service_role"},
    # The definer bodies of the corrections of usage (issue 10, the ledger).
    "correct_interaction_usage": {"service_role"},
    "reprice_model_calls": {"service_role"},
    # Budgets (issue 11): the threshold predicate of a check constraint, the definer bodies
    # of admit_model_call and get_budget_status, the settlement record_model_call(s) call,
    # and the task queue's gate.
    "budget_thresholds_valid": {"authenticated", "service_role"},
    "admit_model_call": {"authenticated", "service_role"},
    "settle_budget_reservations": {"authenticated", "service_role"},
    "budget_status": {"authenticated", "service_role"},
    "hard_budget_reached": {"authenticated", "service_role"},
    # Schedules and the task queue (issue 13): pure computations the invoker RPCs run as
    # their caller, the definer body of cancel_task, and the workers' helpers.
    "cron_field_values": {"authenticated", "service_role"},
    "parse_cron": {"authenticated", "service_role"},
    "within_active_hours": {"authenticated", "service_role"},
    "next_cron_run": {"authenticated", "service_role"},
    "own_agent": {"authenticated", "service_role"},
    "cancel_task": {"authenticated", "service_role"},
    "task_retry_delay": {"service_role"},
    "task_owner_over_hard_budget": {"service_role"},
    "release_expired_task_claims": {"service_role"},
    "running_task": {"service_role"},
    # The definer bodies of the idempotency key claims (the gateway, issue 14).
    "claim_idempotency_key": {"authenticated", "service_role"},
    "release_idempotency_key": {"authenticated", "service_role"},
}

# Functions in schema public and the roles EXECUTE is granted to (besides the owner). PUBLIC is
# never among them: every function is revoked from PUBLIC and granted explicitly right after it
# is created, so its rights do not depend on anyone's default privileges
# (tests/test_good_citizen.py compares every agentsdb function's ACL with this and
# PRIVATE_EXECUTE). A function absent here is executable by no role but its owner.
PUBLIC_EXECUTE: dict[str, set[str]] = {
    "get_agent_with_features": {"authenticated", "service_role"},
    "get_agent_usage_summary": {"authenticated", "service_role"},
    "update_agent_activity_score": {"authenticated", "service_role"},
    "store_user_api_key": {"authenticated"},
    "get_user_api_key": {"service_role"},
    "update_api_key_last_used": {"service_role"},
    "rotate_api_key_encryption_key": {"service_role"},
    "add_vendor": {"service_role"},
    "add_vendor_service": {"service_role"},
    "sync_catalog": {"service_role"},
    "update_daily_usage_stats": {"service_role"},
    "schedule_agentsdb_jobs": {"service_role"},
    "record_model_call": {"authenticated", "service_role"},
    "record_model_calls": {"authenticated", "service_role"},
    "set_time_zone": {"authenticated"},
    "set_agent_status": {"authenticated", "service_role"},
    "archive_agent": {"authenticated", "service_role"},
    "restore_agent": {"authenticated", "service_role"},
    "create_agent_from_template": {"authenticated"},
    "search_messages": {"authenticated"},
    "purge_message_content": {"authenticated", "service_role"},
    "get_cost_breakdown": {"authenticated", "service_role"},
    "refresh_usage_rollups": {"service_role"},
    "correct_interaction_usage": {"service_role"},
    "reprice_model_calls": {"service_role"},
    "admit_model_call": {"authenticated", "service_role"},
    "get_budget_status": {"authenticated", "service_role"},
    "acknowledge_budget_alert": {"authenticated", "service_role"},
    "is_agent_active_now": {"authenticated", "service_role"},
    "agent_next_run": {"authenticated", "service_role"},
    "due_agents": {"service_role"},
    "claim_next_task": {"service_role"},
    "complete_task": {"service_role"},
    "fail_task": {"service_role"},
    "cancel_task": {"authenticated", "service_role"},
    "add_task": {"authenticated", "service_role"},
    "claim_idempotency_key": {"authenticated", "service_role"},
    "release_idempotency_key": {"authenticated", "service_role"},
    # Computed relationships (EMBEDS; interaction_messages and ai_interactions are each two
    # functions, one per parent relation).
    "interaction_messages": {"authenticated", "service_role"},
    "ai_interactions": {"authenticated", "service_role"},
    "recent_interactions": {"authenticated", "service_role"},
    "vendors": {"authenticated", "service_role"},
    "vendor_services": {"authenticated", "service_role"},
    "service_prices": {"authenticated", "service_role"},
    "ai_agents": {"authenticated", "service_role"},
    "model_calls": {"authenticated", "service_role"},
}

# The API roles that hold USAGE on schema private: those the invoker RPCs above run as.
PRIVATE_USAGE: set[str] = {"authenticated", "service_role"}
