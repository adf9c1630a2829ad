"""Deterministic synthetic Python corpus for the benchmarks.

Generates a package `acme` whose modules import a legacy API (12 deprecated dotted
names) in every form the canonical-import rules cover: plain and aliased imports,
parenthesised and backslash-continued `from` imports, relative imports, imports
inside functions, `if TYPE_CHECKING:` and `try/except ImportError`, module imports
followed by attribute chains, and `mock.patch` string targets — mixed with
canonical imports, near-miss names that must not match, and ordinary code.

Usage: python synth.py OUT_DIR [--files N] [--lines-per-file N] [--seed S]
"""

import argparse
import os
import random

# (deprecated dotted name, canonical dotted name)
RULES = [
    ("acme.legacy.ws.manager.WebSocketManager", "acme.core.ws.ssot.SSOTWebSocketManager"),
    ("acme.legacy.ws.unified.UnifiedWebSocketManager", "acme.core.ws.ssot.SSOTWebSocketManager"),
    ("acme.legacy.config.get_settings", "acme.core.config.settings"),
    ("acme.legacy.db.session.SessionFactory", "acme.core.db.sessions.SessionFactory"),
    ("acme.legacy.cache.RedisClient", "acme.core.cache.client.CacheClient"),
    ("acme.legacy.auth.tokens.TokenValidator", "acme.core.auth.TokenService"),
    ("acme.legacy.events.bus.EventBus", "acme.core.events.EventBus"),
    ("acme.legacy.logging.get_logger", "acme.core.logging.logger"),
    ("acme.legacy.metrics", "acme.core.telemetry.metrics"),
    ("acme.legacy.http.client.HttpClient", "acme.core.http.Client"),
    ("acme.legacy.tasks.queue.TaskQueue", "acme.core.tasks.Queue"),
    ("acme.legacy.utils.retry.retry", "acme.core.resilience.retry"),
]

AREAS = ["api", "services", "models", "workers", "billing", "search", "accounts", "reports"]
SUBS = ["handlers", "views", "repo", "jobs", "schemas", "adapters", "clients", "rules"]

# Neighbours of the deprecated names that must not be flagged.
DECOYS = [
    "from acme.legacy.ws.manager_v2 import WebSocketManager as WebSocketManagerV2",
    "from acme.legacy.configs import get_settings as get_config_settings",
    "from acme.legacy.cache import CACHE_TTL",
    "from acme.legacy.events.bus import EventBusError",
    "from acme.legacy.metrics_ext import histogram",
    "from acme.legacy.http.client import HttpError",
    "from acme.core.ws.ssot import SSOTWebSocketManager",
    "from acme.core.config import settings",
    "from acme.core.events import EventBus as CoreEventBus",
    "from acme.core.telemetry import metrics as core_metrics",
]

STDLIB = [
    "import os",
    "import json",
    "import logging",
    "import itertools",
    "from collections import defaultdict, OrderedDict",
    "from dataclasses import dataclass, field",
    "from typing import Any, Dict, List, Optional, TYPE_CHECKING",
    "from functools import lru_cache, partial",
    "import re",
    "import time",
]


def split(name):
    module, _, attr = name.rpartition(".")
    return module, attr


def import_block(rng, depth):
    """The import lines of one module, and the local names it may use."""
    lines = list(rng.sample(STDLIB, rng.randint(4, 8)))
    for required in (
        "from dataclasses import dataclass, field",
        "from typing import Any, Dict, List, Optional, TYPE_CHECKING",
    ):
        if required not in lines:
            lines.append(required)
    used = []
    for decoy in rng.sample(DECOYS, rng.randint(1, 4)):
        lines.append(decoy)
    chosen = rng.sample(RULES, rng.randint(1, 4))
    for deprecated, _canonical in chosen:
        module, attr = split(deprecated)
        form = rng.randrange(9)
        if deprecated == "acme.legacy.metrics":
            choice = rng.randrange(3)
            if choice == 0:
                lines.append("import acme.legacy.metrics")
                used.append(("chain", "acme.legacy.metrics"))
            elif choice == 1:
                lines.append("import acme.legacy.metrics as metrics")
                used.append(("chain", "metrics"))
            else:
                lines.append("from acme.legacy import metrics")
                used.append(("chain", "metrics"))
            continue
        if form == 0:
            lines.append(f"from {module} import {attr}")
            used.append(("name", attr))
        elif form == 1:
            alias = f"Legacy{attr[0].upper()}{attr[1:]}"
            lines.append(f"from {module} import {attr} as {alias}")
            used.append(("name", alias))
        elif form == 2:
            extra = "CACHE_TTL" if module == "acme.legacy.cache" else "__version__"
            lines.append(f"from {module} import (\n    {attr},\n    {extra} as _legacy_version_{rng.randrange(1000)},\n)")
            used.append(("name", attr))
        elif form == 3:
            lines.append(f"from {module} import \\\n    {attr}")
            used.append(("name", attr))
        elif form == 4 and depth >= 1:
            # acme/<area>/<sub>/mod.py: three dots reach the `acme` package.
            dots = "." * (depth + 1)
            rel = module[len("acme."):]
            lines.append(f"from {dots}{rel} import {attr}")
            used.append(("name", attr))
        elif form == 5:
            lines.append(f"import {module}")
            used.append(("chain", deprecated))
        elif form == 6:
            lines.append(f"if TYPE_CHECKING:\n    from {module} import {attr}")
        elif form == 7:
            lines.append(
                f"try:\n    from {module} import {attr}\nexcept ImportError:  # pragma: no cover\n    {attr} = None"
            )
            used.append(("name", attr))
        else:
            used.append(("nested", deprecated))
    return lines, used


WORDS = [
    "user", "account", "order", "invoice", "session", "token", "event", "payload",
    "record", "batch", "result", "request", "response", "channel", "message", "queue",
]


def word(rng):
    return rng.choice(WORDS)


def function(rng, name, used, indent=""):
    i = indent
    arg1, arg2 = word(rng), word(rng) + "_id"
    if arg1 == arg2:
        arg2 = "other_" + arg2
    out = [
        f"{i}def {name}({arg1}: Dict[str, Any], {arg2}: Optional[int] = None) -> List[Any]:",
        f'{i}    """Return the {word(rng)} entries of `{arg1}` for `{arg2}`."""',
        f"{i}    results: List[Any] = []",
        f"{i}    if {arg2} is None:",
        f"{i}        {arg2} = len({arg1})",
        f"{i}    for key, value in sorted({arg1}.items()):",
        f"{i}        # skip private keys; they are handled by the {word(rng)} layer",
        f"{i}        if key.startswith('_'):",
        f"{i}            continue",
        f"{i}        results.append({{'key': key, 'value': value, 'id': {arg2}}})",
    ]
    if used and rng.random() < 0.5:
        kind, value = rng.choice(used)
        if kind == "name":
            out.append(f"{i}    helper = {value}")
            out.append(f"{i}    results.append(helper)")
        elif kind == "chain":
            out.append(f"{i}    results.append({value}.counter('{name}'))" if value.endswith("metrics") else f"{i}    results.append({value}())")
        else:
            module, attr = split(value)
            out.append(f"{i}    from {module} import {attr}")
            out.append(f"{i}    results.append({attr})")
    choice = rng.randrange(4)
    if choice == 0:
        out.append(f"{i}    message = f\"{{len(results)}} {word(rng)} items for {{{arg2}!r}}\"")
        out.append(f"{i}    logging.getLogger(__name__).debug(message)")
    elif choice == 1:
        out.append(f"{i}    table = {{")
        for _ in range(rng.randint(2, 5)):
            out.append(f"{i}        '{word(rng)}_{rng.randrange(100)}': {rng.randrange(10000)},")
        out.append(f"{i}    }}")
        out.append(f"{i}    results.extend(table.values())")
    elif choice == 2:
        out.append(f"{i}    try:")
        out.append(f"{i}        results.sort(key=lambda item: str(item))")
        out.append(f"{i}    except (TypeError, ValueError) as error:  # noqa: PERF203")
        out.append(f"{i}        raise RuntimeError(f'cannot sort {{error}}') from error")
    else:
        out.append(f"{i}    while len(results) > {rng.randint(50, 500)}:")
        out.append(f"{i}        results.pop()")
    out.append(f"{i}    return results")
    out.append("")
    return out


def klass(rng, name, used):
    out = [
        "@dataclass",
        f"class {name}:",
        f'    """A {word(rng)} {word(rng)} kept for the {word(rng)} service."""',
        "",
        f"    {word(rng)}_id: int = 0",
        "    name: str = ''",
        "    tags: List[str] = field(default_factory=list)",
        "",
    ]
    for index in range(rng.randint(2, 4)):
        out.extend(function(rng, f"method_{index}_{word(rng)}", used, indent="    ").copy())
        # methods take self
        header = next(n for n, line in enumerate(out) if line.startswith(f"    def method_{index}_"))
        out[header] = out[header].replace("(", "(self, ", 1)
    return out


def module_text(rng, depth, target_lines, is_test):
    imports, used = import_block(rng, depth)
    lines = [f'"""The {word(rng)} {word(rng)} module (generated for benchmarks)."""', ""]
    lines.append("from __future__ import annotations")
    lines.append("")
    for block in imports:
        lines.extend(block.split("\n"))
    if is_test:
        lines.append("from unittest import mock")
    lines.append("")
    lines.append("LOG = logging.getLogger(__name__)")
    lines.append(f"PATTERN = re.compile(r'^[a-z_]+:[0-9]{{2,{rng.randint(3, 9)}}}$')")
    lines.append("")
    counter = 0
    while len(lines) < target_lines:
        counter += 1
        roll = rng.random()
        if roll < 0.35:
            lines.extend(klass(rng, f"{word(rng).title()}{word(rng).title()}{counter}", used))
        elif is_test and roll < 0.45:
            deprecated, _ = rng.choice(RULES)
            lines.append(f"@mock.patch('{deprecated}')")
            lines.append(f"def test_{word(rng)}_{counter}(patched):")
            lines.append("    assert patched is not None")
            lines.append("")
        else:
            lines.extend(function(rng, f"{word(rng)}_{word(rng)}_{counter}", used))
        lines.append("")
    return "\n".join(lines) + "\n"


def generate(out_dir, files, lines_per_file, seed):
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    package_dirs = {"acme"}
    paths = []
    for index in range(files):
        area = AREAS[index % len(AREAS)]
        sub = SUBS[(index // len(AREAS)) % len(SUBS)]
        group = index // (len(AREAS) * len(SUBS))
        if index % 10 == 9:
            rel_dir = f"acme/{area}"
            depth = 1
        else:
            rel_dir = f"acme/{area}/{sub}"
            depth = 2
        is_test = index % 7 == 0
        stem = f"test_{sub}_{group}" if is_test else f"{sub}_{group}"
        if index % 10 == 9:
            stem = f"{'test_' if is_test else ''}{area}_{index}"
        paths.append((rel_dir, stem, depth, is_test, index))
        package_dirs.add(rel_dir)
        package_dirs.add("/".join(rel_dir.split("/")[:2]))
    for rel_dir in sorted(package_dirs):
        os.makedirs(os.path.join(out_dir, rel_dir), exist_ok=True)
        init = os.path.join(out_dir, rel_dir, "__init__.py")
        with open(init, "w") as handle:
            handle.write(f'"""{rel_dir.replace("/", ".")}"""\n')
        total += 1
    for rel_dir, stem, depth, is_test, index in paths:
        rng = random.Random(f"{seed}:{index}")
        target = int(lines_per_file * rng.uniform(0.6, 1.4))
        text = module_text(rng, depth, target, is_test)
        with open(os.path.join(out_dir, rel_dir, stem + ".py"), "w") as handle:
            handle.write(text)
        total += text.count("\n")
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--lines-per-file", type=int, default=350)
    parser.add_argument("--seed", default="canon-bench-1")
    args = parser.parse_args()
    total = generate(args.out_dir, args.files, args.lines_per_file, args.seed)
    print(f"{args.out_dir}: {total} lines")


if __name__ == "__main__":
    main()
