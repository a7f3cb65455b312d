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
    model_calls             agent_id        deny   deny            deny         deny
    model_calls             user_id         deny   deny            deny         deny
    model_calls             interaction_id  deny   deny            deny         deny
    user_settings           user_id         deny   allow           deny         deny
"""

# Every function in the exposed schemas, called with named arguments (ARGUMENTS) as PostgREST
# does for /rpc/<name>. Functions with an agent_id or user_id argument are probed as own,
# other (and public for agent_id); the others as user.
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
}

# The API roles that hold USAGE on schema private: those the invoker RPCs above run as.
PRIVATE_USAGE: set[str] = {"authenticated", "service_role"}
