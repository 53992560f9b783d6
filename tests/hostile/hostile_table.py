"""Print issue 16's table from the verdicts a hostile run recorded.

CONTRACTTEST_HOSTILE=full CONTRACTTEST_HOSTILE_RECORD=/tmp/h.jsonl pytest tests/hostile
python tests/hostile/hostile_table.py /tmp/h.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from hostile_kit import CATEGORIES, COLUMNS


def table(path: Path) -> str:
    rows: dict[int, dict[str, int]] = {}
    latest: dict[str, dict[str, object]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            latest[rec["id"]] = rec
    for rec in latest.values():
        row = rows.setdefault(
            int(rec["category"]), {"inputs": 0, "clean": 0, **dict.fromkeys(COLUMNS, 0)}
        )
        row["inputs"] += 1
        problems = rec["problems"]
        assert isinstance(problems, dict)
        if not any(problems.values()):
            row["clean"] += 1
        for col in COLUMNS:
            if problems.get(col):
                row[col] += 1
    head = ["category", "inputs", "clean", *COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    total = {"inputs": 0, "clean": 0, **dict.fromkeys(COLUMNS, 0)}
    for cat in sorted(rows):
        row = rows[cat]
        for k in total:
            total[k] += row[k]
        lines.append("| " + " | ".join([CATEGORIES[cat], *(str(row[k]) for k in head[1:])]) + " |")
    lines.append("| " + " | ".join(["**all**", *(f"**{total[k]}**" for k in head[1:])]) + " |")
    return "\n".join(lines)


def unclean(path: Path) -> list[str]:
    latest: dict[str, dict[str, object]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            latest[rec["id"]] = rec
    out = []
    for pid, rec in sorted(latest.items()):
        problems = rec["problems"]
        assert isinstance(problems, dict)
        for col, items in problems.items():
            for item in items:
                out.append(f"- {pid}: [{col}] {str(item)[:200]}")
    return out


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("record")
    parser.add_argument("--output", help="also write the table (and what is not clean) here")
    args = parser.parse_args(argv)
    path = Path(args.record)
    if not path.is_file() or not path.read_text(encoding="utf-8").strip():
        print(f"no verdicts recorded in {path}", file=sys.stderr)
        return 1
    text = table(path)
    problems = unclean(path)
    if problems:
        text += "\n\nNot clean:\n" + "\n".join(problems)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
