"""What Supabase's pg-safeupdate refuses, found before deployment: an UPDATE or DELETE with no
WHERE clause (21000 through the API, also inside a function). Parsed with PostgreSQL's own
parser (pglast), PL/pgSQL bodies included; a CTE's UPDATE or DELETE counts too.

Dynamic SQL (EXECUTE of a string) cannot be seen; agentsdb has none in its functions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pglast import parser

DML = {"UpdateStmt": "UPDATE", "DeleteStmt": "DELETE"}

# pglast compiles PL/pgSQL offline, without the catalog: a table's row type is a plain record
# to it, and an array of one (`public.model_calls[]`, the typed rows of the record functions)
# a pseudo-type it refuses to declare. The lint looks for UPDATE and DELETE only, so such an
# array is read as text[] (the statements themselves are unchanged).
ROW_TYPE_ARRAYS = re.compile(r"\b(?:public\.)?model_calls\s*\[\]")


def _walk(node: Any) -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DML and isinstance(value, dict):
                yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _relation(stmt: dict) -> str:
    rel = stmt.get("relation", {})
    return ".".join(p for p in (rel.get("schemaname"), rel.get("relname")) if p) or "?"


def unguarded_in_sql(text: str) -> list[str]:
    """Every UPDATE/DELETE without WHERE in SQL text, and in the bodies of the functions and
    DO blocks it creates."""
    return [f for _, findings in unguarded_by_statement(text) for f in findings]


def unguarded_by_statement(text: str) -> list[tuple[str | None, list[str]]]:
    """Per statement of SQL text: the function it creates (schema.name, or None) and its
    UPDATEs/DELETEs without WHERE, so a definition replaced later can be told apart."""
    result: list[tuple[str | None, list[str]]] = []
    tree = json.loads(parser.parse_sql_json(text))
    for raw in tree.get("stmts", []):
        stmt = raw["stmt"]
        start = raw.get("stmt_location", 0)
        source = text[start : start + raw["stmt_len"]] if raw.get("stmt_len") else text[start:]
        if "CreateFunctionStmt" in stmt:
            create = stmt["CreateFunctionStmt"]
            name = ".".join(n["String"]["sval"] for n in create["funcname"])
            result.append((name, _in_function(create, name, source)))
        elif "DoStmt" in stmt:
            body = _option(stmt["DoStmt"].get("args", []), "as")
            wrapper = "create function do_block() returns void language plpgsql as " + _dollar(body)
            result.append((None, [f"DO block: {f}" for f in unguarded_in_plpgsql(wrapper)]))
        else:
            result.append(
                (
                    None,
                    [
                        f"{DML[k]} of {_relation(v)}"
                        for k, v in _walk(stmt)
                        if "whereClause" not in v
                    ],
                )
            )
    return result


def _option(options: list, name: str) -> Any:
    for option in options:
        elem = option.get("DefElem", {})
        if elem.get("defname") == name:
            arg = elem.get("arg")
            if isinstance(arg, dict) and "List" in arg:
                arg = arg["List"]["items"][0]
            return arg.get("String", {}).get("sval") if isinstance(arg, dict) else arg
    return None


def _dollar(body: str) -> str:
    tag = "$lint$"
    while tag in body:
        tag = tag[:-1] + "x$"
    return f"{tag}{body}{tag}"


def _in_function(stmt: dict, name: str, source: str) -> list[str]:
    language = (_option(stmt.get("options", []), "language") or "sql").lower()
    if language == "plpgsql":
        return [f"{name}: {f}" for f in unguarded_in_plpgsql(source)]
    if language == "sql":
        body = _option(stmt.get("options", []), "as")
        if body is None and "sql_body" in stmt:  # begin atomic ... end
            return [
                f"{name}: {DML[k]} of {_relation(v)}"
                for k, v in _walk(stmt["sql_body"])
                if "whereClause" not in v
            ]
        return [f"{name}: {f}" for f in unguarded_in_sql(body or "")]
    return []


def unguarded_in_plpgsql(create_function: str) -> list[str]:
    """A PL/pgSQL function's statements, each parsed as PostgreSQL parses it at run time."""
    found = []
    create_function = ROW_TYPE_ARRAYS.sub("text[]", create_function)
    for key, expr in _plpgsql_exprs(parser.parse_plpgsql_json(create_function)):
        query = expr["query"]
        text = query if expr.get("parseMode", 0) == 0 else f"select {query}"
        try:
            found += [f"line {key}: {f}" for f in unguarded_in_sql(text)]
        except parser.ParseError:
            continue  # an expression PL/pgSQL accepts but not as a statement (e.g. `a := b`)
    return found


def _plpgsql_exprs(text: str) -> Iterator[tuple[Any, dict]]:
    def walk(node: Any, line: Any) -> Iterator[tuple[Any, dict]]:
        if isinstance(node, dict):
            line = node.get("lineno", line)
            for key, value in node.items():
                if key == "PLpgSQL_expr":
                    yield line, value
                else:
                    yield from walk(value, line)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, line)

    yield from walk(json.loads(text), None)
