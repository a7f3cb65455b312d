"""`agentsdb demo`: two users, their agents, keys and three weeks of usage, then a report of
what each of them sees, so a person can check the numbers and the isolation at a glance.

Everything goes through the typed client as an app would (each call one PostgREST-style
request under RLS); only creating the two users writes to auth.users directly, which is
what Supabase Auth would do. Running it again replaces the previous demo users.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg

from .client import Client
from .errors import BudgetExceeded, NotFound
from .text import format_table

DEMO_EMAIL = "demo-{name}@agentsdb.local"
DAYS = 21
# Alice reports in Paris time, and her agents make model calls over the last week.
ZONE = "Europe/Paris"
BOB_ZONE = "America/New_York"
CALL_DAYS = 7
# Illustrative list prices in USD per million tokens (input, output), for the demo only.
PRICES = {
    "anthropic_claude_sonnet_4_5": (Decimal("3"), Decimal("15")),
    "perplexity_sonar": (Decimal("1"), Decimal("1")),
    "openai_gpt4o": (Decimal("2.5"), Decimal("10")),
    "openai_gpt4o_mini": (Decimal("0.15"), Decimal("0.6")),
}
AGENTS = {
    "alice": [
        dict(
            name="Code Reviewer",
            vendor_id="anthropic",
            service_id="anthropic_claude_sonnet_4_5",
            model_name="claude-sonnet-4-5",
            primary_feature="coding",
            features=["analysis"],
            tags=["code", "review"],
            kind="coding",
        ),
        dict(
            name="Research Scout",
            vendor_id="perplexity",
            service_id="perplexity_sonar",
            model_name="sonar",
            primary_feature="research",
            features=["news_search"],
            tags=["research"],
            is_public=True,
            kind="research",
        ),
    ],
    "bob": [
        dict(
            name="Copywriter",
            vendor_id="openai",
            service_id="openai_gpt4o",
            model_name="gpt-4o",
            primary_feature="writing",
            tags=["marketing"],
            kind="writing",
        ),
        dict(
            name="Daily Helper",
            vendor_id="openai",
            service_id="openai_gpt4o_mini",
            model_name="gpt-4o-mini",
            primary_feature="daily_qa",
            kind="question_answer",
        ),
    ],
}


def _create_users(dsn: str) -> dict[str, str]:
    ids = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        emails = [DEMO_EMAIL.format(name=n) for n in AGENTS]
        conn.execute("delete from auth.users where email = any(%s)", (emails,))
        for name in AGENTS:
            uid = str(uuid.uuid4())
            conn.execute(
                "insert into auth.users (id, aud, role, email, raw_app_meta_data)"
                " values (%s, 'authenticated', 'authenticated', %s, '{\"provider\": \"email\"}')",
                (uid, DEMO_EMAIL.format(name=name)),
            )
            ids[name] = uid
    return ids


def _cost(service_id: str, tokens_in: int, tokens_out: int) -> Decimal:
    price_in, price_out = PRICES[service_id]
    exact = (tokens_in * price_in + tokens_out * price_out) / Decimal(1_000_000)
    return exact.quantize(Decimal("0.00000001"))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    return format_table(headers, rows, indent="    ")


def run(dsn: str, say: Callable[[str], None], progress: Callable[[int, int], None]) -> None:
    rng = random.Random(2026)  # noqa: S311 (the same demo every time; nothing secret)
    ids = _create_users(dsn)
    users = {name: Client.postgres(dsn, user_id=uid) for name, uid in ids.items()}
    service = Client.postgres(dsn, service_role=True)
    anon = Client.postgres(dsn)

    agents = {}
    for name, specs in AGENTS.items():
        for spec in specs:
            spec = dict(spec)
            kind = spec.pop("kind")
            agent = users[name].create_agent(**spec)
            agents[agent.id] = (name, agent, kind)
    users["alice"].store_api_key(
        "anthropic", "sk-ant-demo-" + uuid.uuid4().hex, display_name="work"
    )
    users["bob"].store_api_key("openai", "sk-demo-" + uuid.uuid4().hex, display_name="personal")

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = (today - timedelta(days=DAYS)).date()
    recorded = 0
    for agent_id, (owner, agent, kind) in agents.items():
        for day in range(DAYS):
            for _ in range(rng.randint(0, 4)):
                start = today - timedelta(days=DAYS - day) + timedelta(minutes=rng.randint(0, 1400))
                tokens_in, tokens_out = rng.randint(200, 6000), rng.randint(100, 2500)
                interaction = users[owner].record_interaction(
                    agent_id,
                    f"{agent.name} session",
                    interaction_type_id=kind,
                    input_tokens=tokens_in,
                    output_tokens=tokens_out,
                    total_cost=_cost(agent.service_id, tokens_in, tokens_out),
                    started_at=start,
                    ended_at=start + timedelta(minutes=rng.randint(1, 45)),
                    status="completed",
                )
                if rng.random() < 0.5:
                    users[owner].rate_interaction(
                        interaction.id, satisfaction=rng.randint(3, 5), usefulness=rng.randint(2, 5)
                    )
                recorded += 1
    for agent_id, (owner, _, _) in agents.items():
        users[owner].update_activity_score(agent_id)

    say(f"demo: 2 users, {len(agents)} agents, {recorded} interactions over {DAYS} days")
    say("refreshing daily usage statistics (as service_role)")
    for n in range(DAYS + 1):
        service.refresh_usage_stats(first_day + timedelta(days=n))
        progress(n + 1, DAYS + 1)

    for name, client in users.items():
        say("")
        say(f"== {name} ({DEMO_EMAIL.format(name=name)})")
        rows = [
            [
                s.name,
                s.vendor_id,
                s.primary_feature or "",
                str(s.interaction_count),
                f"{s.total_input_tokens + s.total_output_tokens:,}",
                f"${s.total_cost:.4f}",
                f"{s.activity_score:.2f}",
                "public" if s.is_public else "private",
            ]
            for s in client.agent_summary()
        ]
        say("  agents (agent_summary):")
        say(
            _table(
                ["agent", "vendor", "feature", "calls", "tokens", "cost", "score", "sharing"], rows
            )
        )
        by_vendor: dict[str, Decimal] = defaultdict(Decimal)
        days_active = 0
        for stats in client.usage_stats(since=first_day):
            days_active += 1
            for vendor, usage in stats.vendor_usage.items():
                by_vendor[vendor] += Decimal(str(usage["cost"]))
        total = sum(by_vendor.values(), Decimal(0))
        say(f"  cost by vendor over {days_active} active days (ai_usage_stats):")
        say(
            _table(
                ["vendor", "cost"],
                [[v, f"${c:.4f}"] for v, c in sorted(by_vendor.items())]
                + [["total", f"${total:.4f}"]],
            )
        )
        keys = client.list_api_keys()
        say("  vendor keys: " + ", ".join(f"{k.vendor_id} ...{k.key_preview}" for k in keys))

    _model_calls(users["alice"], service, agents, rng, say)

    say("")
    say("== isolation (row level security)")
    alice_private = next(a for o, a, _ in agents.values() if o == "alice" and not a.is_public)
    alice_public = next(a for o, a, _ in agents.values() if o == "alice" and a.is_public)
    try:
        users["bob"].get_agent(alice_private.id)
        seen = "VISIBLE (this is a bug)"
    except NotFound:
        seen = "not found"
    say(f"  bob reads alice's private agent '{alice_private.name}': {seen}")
    shared = users["bob"].get_agent(alice_public.id)
    say(f"  bob reads alice's public agent '{shared.name}': visible, read only")
    alice_agents = {alice_private.id, alice_public.id}
    leaked = [r for r in users["bob"].recent_interactions(limit=1000) if r.agent_id in alice_agents]
    say(f"  bob's recent interactions from alice's agents: {len(leaked)}")
    alice_keys = [k for k in users["bob"].list_api_keys() if str(k.user_id) == ids["alice"]]
    say(f"  alice's keys bob can list: {len(alice_keys)}")
    say(
        f"  anon sees vendors: {len(anon.list_vendors())}, agents: "
        f"{_count_or_denied(lambda: anon.agent_summary(only_mine=False))}"
    )

    # Agents that run (issue 13): a template, a conversation, the lifecycle, archiving.
    bob = users["bob"]
    say("")
    say("== agents that run (templates, messages, lifecycle)")
    clone = bob.clone_agent(alice_public.id, f"{alice_public.name} (bob's copy)")
    say(f"  bob starts from alice's public agent: '{clone.name}', {clone.status}")
    chat = bob.record_interaction(clone.id, "demo chat")
    bob.add_message(chat.id, "user", "How do I reverse a list in Python?", tokens=9)
    bob.add_message(chat.id, "assistant", "Use reversed(items) or items[::-1].", tokens=12)
    say(f"  bob's messages matching 'reverse': {len(bob.search_messages('reverse'))}")
    bob.set_agent_status(clone.id, "busy", "demo task")
    bob.set_agent_status(clone.id, "idle", "demo task done")
    bob.archive_agent(clone.id, "demo over")
    listed = any(s.id == clone.id for s in bob.agent_summary())
    history = " > ".join(h.to_status for h in bob.agent_status_history(clone.id))
    say(f"  archived: in bob's agent list {'yes' if listed else 'no'}; history {history}")
    bob_agent = next(a for o, a, _ in agents.values() if o == "bob")
    _tasks(bob, service, bob_agent, say)


def _model_calls(alice: Client, service: Client, agents, rng, say) -> None:
    """Alice reports in Paris time: a week of model calls priced by the database from the
    price catalog (Perplexity's calls have no list price: unpriced, never 0), then the cost
    breakdown by her local day and by model, and her agents' daily figures."""
    alice.set_time_zone(ZONE)
    today = datetime.now(ZoneInfo(ZONE)).date()
    first = today - timedelta(days=CALL_DAYS - 1)
    now = datetime.now(UTC)
    # Minutes since the first day's local midnight, less five.
    span = (
        int(
            (
                now - datetime(first.year, first.month, first.day, tzinfo=ZoneInfo(ZONE))
            ).total_seconds()
            // 60
        )
        - 5
    )
    calls = []
    for _, agent, _ in (a for a in agents.values() if a[0] == "alice"):
        for n in range(CALL_DAYS * 3):
            at = now - timedelta(minutes=5 + rng.randint(0, span))
            calls.append(
                {
                    "agent_id": agent.id,
                    "model_name": agent.model_name,
                    "input_tokens": rng.randint(500, 20_000),
                    "cached_input_tokens": rng.randint(0, 4_000),
                    "output_tokens": rng.randint(100, 3_000),
                    "latency_ms": rng.randint(300, 9_000),
                    "status": "failed" if n % 17 == 5 else "succeeded",
                    "started_at": at,
                    "idempotency_key": f"demo-{agent.id}-{n}",
                }
            )
    # Budgets (issue 11) before the calls: a soft monthly one that alerts at 50/80/100% and a
    # hard daily cap that admission enforces (recording usage without asking still counts).
    alice.set_budget("monthly", Decimal("5"), period="month")
    alice.set_budget("daily cap", Decimal("1"), period="day", is_hard=True)
    recorded = alice.record_model_calls(calls)
    done = service.refresh_rollups()
    say("")
    say(
        f"== alice's model calls in her time zone ({ZONE}): {len(recorded)} calls over "
        f"{CALL_DAYS} days, priced by the database ({done.days} day(s) rolled up)"
    )
    say("  cost by local day (get_cost_breakdown, period day):")
    say(
        _table(
            ["day", "calls", "unpriced", "failed", "cost"],
            [
                [
                    str(r.period_start),
                    str(r.calls),
                    str(r.unpriced_calls),
                    str(r.failed_calls),
                    f"${r.cost:.6f}",
                ]
                for r in alice.cost_breakdown(first, today)
            ],
        )
    )
    say("  cost by ISO week and model (period week, group_by model):")
    say(
        _table(
            ["week of", "model", "calls", "unpriced", "cost"],
            [
                [
                    str(r.period_start),
                    r.group_key or "(interactions without calls)",
                    str(r.calls),
                    str(r.unpriced_calls),
                    f"${r.cost:.6f}",
                ]
                for r in alice.cost_breakdown(first, today, period="week", group_by="model")
            ],
        )
    )
    names = {a.id: a.name for a in alice.list_agents()}
    figures: dict = defaultdict(lambda: [0, 0, Decimal(0)])
    for d in alice.agent_usage_days(since=first):
        f = figures[names.get(d.agent_id, str(d.agent_id))]
        f[0] += d.calls
        f[1] += d.unpriced_calls
        f[2] += d.cost
    say("  per agent (agent_usage_daily):")
    say(
        _table(
            ["agent", "calls", "unpriced", "cost"],
            [[n, str(c), str(u), f"${k:.6f}"] for n, (c, u, k) in sorted(figures.items())],
        )
    )
    _budgets(alice, next(a for o, a, _ in agents.values() if o == "alice"), say)


def _budgets(alice: Client, agent, say) -> None:
    """Alice's budgets in their current periods (her time zone), the alerts her calls wrote,
    and a model call the hard daily cap refuses before it is made."""
    say("")
    say("== alice's budgets (get_budget_status, in her time zone)")
    say(
        _table(
            ["budget", "period", "from", "spent", "reserved", "remaining", "reached"],
            [
                [
                    s.name + (" (hard)" if s.is_hard else ""),
                    s.period,
                    s.period_start.astimezone(ZoneInfo(s.time_zone)).strftime("%Y-%m-%d %H:%M")
                    if s.period_start
                    else "-",
                    f"${s.spent:.6f}",
                    f"${s.reserved:.6f}",
                    f"${s.remaining:.6f}",
                    ",".join(f"{t}%" for t in s.thresholds_reached) or "-",
                ]
                for s in alice.budget_status()
            ],
        )
    )
    alerts = alice.list_budget_alerts()
    say(f"  alerts written (once per budget, period and threshold): {len(alerts)}")
    try:
        reservation = alice.admit_model_call(agent.id, Decimal("2"))
        say(f"  admission of a $2 call: admitted ({reservation.id}) (this is a bug)")
    except BudgetExceeded as exc:
        say(f"  admission of a $2 call: refused before reaching the vendor: {exc}")


def _tasks(bob: Client, service: Client, agent, say) -> None:
    """Bob schedules an agent (cron in his time zone) and queues two tasks, the second
    depending on the first; a worker (service_role) claims and completes them in order."""
    say("")
    say("== schedules and tasks (bob's agent, a worker as service_role)")
    bob.set_time_zone(BOB_ZONE)
    schedule = bob.set_schedule(agent.id, cron="0 9 * * 1-5")
    next_run = schedule.next_run_at.astimezone(ZoneInfo(schedule.time_zone))
    say(
        f"  '{agent.name}' runs at '{schedule.cron}' in {schedule.time_zone}: "
        f"next {next_run:%a %Y-%m-%d %H:%M %Z}"
    )
    fetch = bob.add_task(agent.id, {"repo": "demo"}, title="fetch the open issues")
    summary = bob.add_task(
        agent.id, {"format": "markdown"}, title="summarize them", depends_on=[fetch.id]
    )
    say(
        f"  queued: '{fetch.title}', then '{summary.title}' "
        f"({summary.pending_dependencies} unmet dependency)"
    )
    ran = []
    while (task := service.claim_next_task("demo-worker", agent_id=agent.id)) is not None:
        service.complete_task(task.id, {"ok": True}, worker="demo-worker")
        ran.append(f"{task.title} (attempt {task.attempts})")
    say("  demo-worker ran: " + " > ".join(ran))
    states = ", ".join(f"{t.title}: {t.status}" for t in bob.list_tasks(agent_id=agent.id))
    say(f"  bob's tasks: {states}")


def _count_or_denied(call: Callable[[], list]) -> str:
    try:
        return str(len(call()))
    except Exception as exc:  # the refusal itself is the point
        return f"refused ({getattr(exc, 'code', '?')})"
