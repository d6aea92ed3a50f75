"""How often mltriad judges a Hugging Face model card as huggingface_hub reads it.

For each card (a Markdown file), two verdicts:

- huggingface_hub's: `huggingface_hub.ModelCard(text)` parses the card as the Hub's own
  client does: the YAML block found by the Hub's regular expression, the metadata into
  `ModelCardData`, and a `model-index` into eval results (`repocard_data`). The card is
  refused if that raises (YAML it cannot load, metadata that is not a mapping, a
  `model-index` without a key it needs), accepted otherwise.
- mltriad's: `mltriad check` on the cards (one process, JSON). A card is refused if it has
  an error from a rule that judges its front matter as the Hub's metadata: MT0xx (the file
  and its YAML), MT1xx (the schema's Hub keys) and MT504 (a key the Hub ignores, such as
  `library_tag`). What the triad format adds (MT503 owners, targets...; MT211 sections) is
  not a Hub rule, and MT508 is a warning.

The figure is the share of cards on which the two agree. The disagreements are printed by
kind, with an example of each: most are mltriad being stricter on purpose (a language that
is no ISO 639 code, a license not on the Hub's list, a key the Hub ignores), which
huggingface_hub leaves to the Hub's servers or does not check at all.

    python bench/hf_agreement.py                  # the corpus's cards (../shared/corpus)
    python bench/hf_agreement.py DIR... --sample 1000 --seed 15 --json result.json
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

CORPUS_CARDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hf-model-cards"
NOT_HUB_RULES = ("MT503", "MT211")  # what the triad format adds, on any Hub card


@dataclass
class Card:
    name: str
    hub: str  # "accepted", or "refused: " and the first line of the error
    mltriad: list[str] = field(default_factory=list)  # "RULE message" of each Hub-rule error

    @property
    def agree(self) -> bool:
        return (self.hub == "accepted") == (not self.mltriad)

    @property
    def kind(self) -> str:
        """What the disagreement is about: the rule and the key, or huggingface_hub's error."""
        if self.mltriad:
            rule, message = self.mltriad[0].split(" ", 1)
            return f"mltriad refuses: {rule} {_subject(message)}"
        return "huggingface_hub refuses: " + re.sub(r"\s+", " ", self.hub[len("refused: ") :])[:70]


def _subject(message: str) -> str:
    """The key a message is about: '`library_tag` is not...' or 'language[0] is ...'."""
    quoted = re.match(r"^`([^`:]+)", message)
    if quoted:
        return quoted.group(1)
    unknown = re.match(r"^unknown field '([^']+)'", message)
    if unknown:
        return f"unknown field {unknown.group(1)}"
    if message.startswith("missing required field"):
        return re.sub(r"\[\d+\]", "[]", message)
    return re.sub(r"\[\d+\]", "[]", re.split(r" is | must ", message, maxsplit=1)[0])


def hub_verdict(text: str) -> str:
    from huggingface_hub import ModelCard

    try:
        ModelCard(text)
    except Exception as error:  # anything it raises is a refusal: YAML, metadata, model-index
        first = (str(error).strip().splitlines() or [""])[0]
        return f"refused: {type(error).__name__}: {first}"
    return "accepted"


def mltriad_errors(folder: Path, names: list[str]) -> dict[str, list[str]]:
    """The Hub-rule errors `mltriad check` reports, by card (file name in `folder`)."""
    proc = subprocess.run(
        [sys.executable, "-m", "mltriad", "check", ".", "--format", "json"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"hf_agreement: mltriad check exited {proc.returncode}:\n{proc.stderr}")
    found: dict[str, list[str]] = {name: [] for name in names}
    for item in json.loads(proc.stdout)["findings"]:
        hub_rule = item["rule"].startswith(("MT0", "MT1")) or item["rule"] == "MT504"
        if item["severity"] == "error" and hub_rule and item["rule"] not in NOT_HUB_RULES:
            found.setdefault(item["path"], []).append(f"{item['rule']} {item['message']}")
    return found


def collect(sources: list[Path]) -> list[Path]:
    """The files given, and in each folder given the files named as the Hub names a card:
    README.md, or ending in it as the corpus's `_noArch__NAME_README.md` do."""
    cards: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = source.rglob("*.md")
            cards.extend(sorted(p for p in found if p.name.lower().endswith("readme.md")))
        else:
            cards.append(source)
    return cards


def compare(cards: list[Path], workdir: Path) -> list[Card]:
    """Both verdicts for each card. The cards are copied into one folder under names that
    keep their folders ('a/README.md' is 'a__README.md'), so one check reads them all."""
    from huggingface_hub.utils import logging as hub_logging

    hub_logging.set_verbosity_error()  # not a warning for each card without metadata
    names: dict[str, Path] = {}
    for card in cards:
        parts = card.parts[-3:] if card.name.lower() == "readme.md" else card.parts[-1:]
        name = "__".join(parts)
        while name in names:
            name = "_" + name
        names[name] = card
        shutil.copyfile(card, workdir / name)
    errors = mltriad_errors(workdir, list(names))
    return [
        Card(
            name, hub_verdict(path.read_text(encoding="utf-8-sig", errors="replace")), errors[name]
        )
        for name, path in names.items()
    ]


def report(results: list[Card]) -> dict[str, Any]:
    kinds = collections.Counter(r.kind for r in results if not r.agree)
    example = {}
    for r in results:
        if not r.agree:
            example.setdefault(r.kind, r.name)
    return {
        "huggingface_hub": metadata.version("huggingface_hub"),
        "mltriad": metadata.version("mltriad"),
        "cards": len(results),
        "agree": sum(r.agree for r in results),
        "hub_refuses": sum(r.hub != "accepted" for r in results),
        "mltriad_refuses": sum(bool(r.mltriad) for r in results),
        "disagreements": [
            {"kind": kind, "cards": count, "example": example[kind]}
            for kind, count in kinds.most_common()
        ],
        "cards_disagreeing": [asdict(r) for r in results if not r.agree],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", type=Path, help="card files or folders")
    parser.add_argument("--sample", type=int, help="judge this many cards, drawn at random")
    parser.add_argument("--seed", type=int, default=15, help="the sample's seed (15)")
    parser.add_argument("--json", type=Path, help="write the figures and disagreements here")
    args = parser.parse_args(argv)
    sources = args.sources or [CORPUS_CARDS]
    cards = collect(sources)
    if args.sample is not None and args.sample < len(cards):
        cards = random.Random(args.seed).sample(cards, args.sample)
    if not cards:
        parser.error(f"no model cards (README.md) in {', '.join(map(str, sources))}")
    with tempfile.TemporaryDirectory(prefix="hf-agreement-") as workdir:
        figures = report(compare(cards, Path(workdir)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    n, k = figures["cards"], figures["agree"]
    print(f"huggingface_hub {figures['huggingface_hub']}, mltriad {figures['mltriad']}")
    print(
        f"{n} cards: huggingface_hub refuses {figures['hub_refuses']}, mltriad refuses "
        f"{figures['mltriad_refuses']}"
    )
    print(f"agreement: {k} of {n} cards ({k / n:.1%})")
    for item in figures["disagreements"]:
        print(f"{item['cards']:6}  {item['kind']}  (e.g. {item['example']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
