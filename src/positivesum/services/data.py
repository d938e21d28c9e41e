"""Data operations: load and validate a dataset, list, show (resolved), diff, new scenario files.

Services take plain arguments, return plain data (dicts, lists, result objects) and raise
:class:`~positivesum.model.errors.InputError` for bad input (docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..diffing import Change, diff_trees
from ..model.errors import COMMAND_LINE, InputError, Location, Problem, suggest
from ..model.geo import base_theatre_distances_km
from ..model.loader import PACKAGED_DEFAULT, LoadedDataset, load_dataset
from ..model.scenarios import Scenario
from ..model.yamlio import Loader as YAML_LOADER
from ..sim.command import component_latencies_hours
from ..sim.setup import access_for
from .validation import check_out_file

ENTITY_KINDS = ("scenarios", "actors", "bases", "munitions", "options", "capability_classes", "command_structures")


def load(
    data: list[Path] | None = None, overrides: list[str] | None = None, sets: list[str] | None = None
) -> LoadedDataset:
    """Load and validate a dataset (the packaged default when ``data`` is empty)."""
    return load_dataset(data or None, overrides, sets)


#: In a folder, the file that stands for the whole dataset (it imports the others), as in the packaged data.
ENTRY_POINT = "default.yaml"


def _imports(path: Path) -> set[Path]:
    """The files that ``path`` imports (resolved), read from its top-level ``import:`` without loading it; a file
    that cannot be read that far imports nothing here (loading it reports why)."""
    try:
        # aliases are not expanded; libyaml's composer where there is one (the pure-Python one took ~1 s of the main
        # job for the default data's files, read only for their `import:` lines)
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeError, yaml.YAMLError):
        return set()
    if not isinstance(node, yaml.MappingNode):
        return set()
    for key, value in node.value:
        if key.value == "import":
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            return {(path.parent / item.value).resolve() for item in items if isinstance(item, yaml.ScalarNode)}
    return set()


def folder_entry_points(folder: Path) -> list[Path]:
    """The files that stand for the datasets of a folder (see :func:`validation_targets`): ``default.yaml`` if
    present; else the top-level ``*.yaml`` files no other file there imports, plus, for files only reachable
    through an import cycle, the first of each cycle (loading it reports the cycle)."""
    if (folder / ENTRY_POINT).is_file():
        return [folder / ENTRY_POINT]
    files = sorted(f for f in folder.glob("*.yaml") if f.is_file())
    graph = {f.resolve(): _imports(f) for f in files}
    imported = set().union(*graph.values()) if graph else set()
    entries = [f for f in files if f.resolve() not in imported]
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        stack = [start]
        while stack:
            node = stack.pop()
            if node not in reached:
                reached.add(node)
                stack.extend(graph.get(node, ()))

    for f in entries:
        reach(f.resolve())
    for f in files:
        if f.resolve() not in reached:
            entries.append(f)
            reach(f.resolve())
    return sorted(entries)


def validation_targets(paths: list[Path] | None) -> list[list[Path] | None]:
    """The datasets that validating ``paths`` checks, each a list of files loaded together.

    * no path: the packaged default dataset (``None``);
    * files are loaded together, in the order given, as one dataset (imports are followed);
    * a folder holding ``default.yaml`` stands for that file, its entry point, which imports the others: no
      file of the folder is checked alone, without the context it needs;
    * in any other folder, each top-level ``*.yaml`` file that no other file of the folder imports is a
      dataset of its own (the files it imports are checked through it).
    """
    if not paths:
        return [None]
    together: list[Path] = []
    alone: list[list[Path] | None] = []
    problems = []
    for path in map(Path, paths):
        if not path.is_dir():
            together.append(path)
            continue
        entries = folder_entry_points(path)
        if not entries:
            problems.append(
                Problem(
                    Location(str(path), 0),
                    "",
                    "this folder holds no YAML file",
                    f"pass a dataset file, or a folder with {ENTRY_POINT} or other *.yaml files",
                )
            )
        elif entries[0].name == ENTRY_POINT:
            together.append(entries[0])
        else:
            alone.extend([f] for f in entries)
    if problems:
        raise InputError(problems)
    return ([together] if together else []) + alone


def validate(
    paths: list[Path] | None = None, overrides: list[str] | None = None, sets: list[str] | None = None
) -> list[LoadedDataset]:
    """Load and validate every dataset of :func:`validation_targets`; raise one :class:`InputError` with the
    problems of all of them (each problem once, in the order found)."""
    loaded, problems = [], []
    for target in validation_targets(paths):
        try:
            loaded.append(load(target, overrides, sets))
        except InputError as e:
            problems.extend(e.problems)
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return loaded


def summary(ld: LoadedDataset) -> dict[str, Any]:
    """Counts of every entity type plus provenance."""
    ds = ld.dataset
    counts = {
        k: len(getattr(ds, k))
        for k in (
            "actors",
            "bases",
            "capability_classes",
            "munitions",
            "command_structures",
            "roles",
            "scenarios",
            "options",
            "sources",
        )
    }
    counts["force_entries"] = sum(len(b) for c in ds.forces.values() for b in c.values())
    return {"title": ds.title, "counts": counts, "provenance": ld.provenance(), "version": __version__}


def _label(obj) -> str:
    return obj.name.en if hasattr(obj, "name") else ""


def list_entities(ld: LoadedDataset, kind: str) -> list[dict[str, Any]]:
    """Rows describing every entity of one kind."""
    ds = ld.dataset
    if kind not in ENTITY_KINDS:
        raise InputError(
            [
                Problem(
                    COMMAND_LINE,
                    "kind",
                    f"cannot list '{kind}'",
                    f"{suggest(kind, ENTITY_KINDS)} (one of: {', '.join(ENTITY_KINDS)})",
                )
            ]
        )
    rows = []
    for key, obj in getattr(ds, kind).items():
        row: dict[str, Any] = {"id": key, "name": _label(obj), "name_ja": obj.name.ja if hasattr(obj, "name") else ""}
        if kind == "scenarios":
            row.update(
                objective=obj.objective,
                us_intervention=obj.us_intervention,
                basing=", ".join(f"{a}:{lvl}" for a, lvl in obj.basing_access.items()) or "-",
                warning_days=obj.warning_days.value,
                weight=obj.weight.value,
            )
        elif kind == "actors":
            row.update(kind=obj.kind, currency=obj.currency)
        elif kind == "bases":
            row.update(host=obj.host, kind=obj.kind, lat=obj.lat_deg, lon=obj.lon_deg)
        elif kind == "munitions":
            row.update(
                role=obj.role,
                range_km=obj.range_km.value,
                stockpile=", ".join(f"{a}:{h.stockpile:g}" for a, h in obj.holdings.items()),
            )
        elif kind == "options":
            row.update(
                category=obj.category,
                actors=",".join(obj.eligible_actors),
                cost_musd=sum(obj.cost.acquisition_musd),
                lead_time_years=obj.lead_time_years,
            )
        elif kind == "capability_classes":
            row.update(domain=obj.domain)
        rows.append(row)
    return rows


def get_scenario(ld: LoadedDataset, scenario_id: str) -> Scenario:
    """The scenario of that id, or an InputError suggesting the closest id."""
    scenarios = ld.dataset.scenarios
    if scenario_id not in scenarios:
        raise InputError(
            [
                Problem(
                    COMMAND_LINE,
                    "SCENARIO",
                    f"no scenario '{scenario_id}' in the dataset",
                    f"{suggest(scenario_id, scenarios)} (run `positivesum list scenarios`)",
                )
            ]
        )
    return scenarios[scenario_id]


def resolve_scenario(ld: LoadedDataset, scenario_id: str) -> dict[str, Any]:
    """A scenario fully resolved: its data after overrides plus what it implies.

    Adds the forces each participant commits (by class), the bases in play with
    their distance to the theatre and the access rule that applies, and the
    command-path latency of every component under the scenario's structure.
    """
    ds = ld.dataset
    sc = get_scenario(ld, scenario_id)
    distances = base_theatre_distances_km(ds)
    forces: dict[str, dict[str, float]] = {}
    bases_in_play: dict[str, dict[str, Any]] = {}
    for actor, part in sc.participants.items():
        committed: dict[str, float] = {}
        for cls, by_base in ds.forces.get(actor, {}).items():
            for base_id, qty in by_base.items():
                committed[cls] = committed.get(cls, 0.0) + qty.value * part.commitment.value
                base = ds.bases[base_id]
                level = access_for(ds, sc, scenario_id, base_id, actor)
                entry = bases_in_play.setdefault(
                    base_id, {"host": base.host, "distance_km": distances[base_id][sc.theatre], "access": {}}
                )
                entry["access"][actor] = level
        forces[actor] = {k: round(v, 2) for k, v in sorted(committed.items())}
    structure = ds.command_structures[sc.command_structure]
    return {
        "id": scenario_id,
        "scenario": sc.model_dump(mode="json", exclude_none=True),
        "derived": {
            "committed_forces": forces,
            "bases": dict(sorted(bases_in_play.items(), key=lambda kv: kv[1]["distance_km"])),
            "command_latency_hours": component_latencies_hours(structure),
        },
        "provenance": ld.provenance(),
    }


def diff(a: str, b: str, data: list[Path] | None = None, overrides=None, sets=None) -> dict[str, Any]:
    """Semantic diff of two scenarios (ids in one dataset) or two datasets (file paths)."""
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        la, lb = load([pa], overrides, sets), load([pb], overrides, sets)
        left, right, what = la.dataset.model_dump(mode="json"), lb.dataset.model_dump(mode="json"), "datasets"
    else:
        ld = load(data, overrides, sets)
        problems = [
            Problem(
                COMMAND_LINE,
                name,
                f"'{name}' is neither a file nor a scenario id",
                f"{suggest(name, ld.dataset.scenarios)} (pass two scenario ids or two dataset files)",
            )
            for name in (a, b)
            if name not in ld.dataset.scenarios
        ]
        if problems:
            raise InputError(problems)
        left = ld.dataset.scenarios[a].model_dump(mode="json")
        right = ld.dataset.scenarios[b].model_dump(mode="json")
        what = "scenarios"
    changes: list[Change] = diff_trees(left, right)
    return {"comparing": what, "a": a, "b": b, "changes": [c.__dict__ for c in changes]}


def new_scenario_yaml(ld: LoadedDataset, name: str, from_id: str, file_name: str | None = None) -> str:
    """A commented YAML file defining scenario ``name`` as a copy of ``from_id`` to edit.

    ``file_name`` is where it will be written (named in the comments): it is checked here, before anything is
    written, to be a ``.yaml`` file name that is not a folder and not under a file (``--out``)."""
    if file_name is not None:
        check_out_file(Path(file_name), suffixes=(".yaml", ".yml"))
    sc = get_scenario(ld, from_id)
    if name in ld.dataset.scenarios:
        raise InputError(
            [
                Problem(
                    COMMAND_LINE,
                    "NAME",
                    f"scenario '{name}' already exists",
                    "choose another name, or edit that scenario's file",
                )
            ]
        )
    body = sc.model_dump(mode="json", exclude_none=True)
    lines = [
        f"# Scenario '{name}', copied from '{from_id}' by positivesum {__version__}.",
        "# Edit the values below; every number needs `source:` (a citation) or `estimate:` (your reasoning).",
        f"# Check it with:  positivesum validate {file_name or name + '.yaml'}",
        f"# Simulate it:    positivesum simulate {name} --data {file_name or name + '.yaml'}",
        "",
        f"import: [{PACKAGED_DEFAULT}]   # build on the packaged default dataset",
        "",
        "scenarios:",
        f"  {name}:",
    ]
    for field, info in Scenario.model_fields.items():
        if field not in body:
            continue
        for doc_line in (info.description or "").splitlines():
            lines.append(f"    # {doc_line}")
        dumped = yaml.safe_dump(
            {field: body[field]}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=110
        )
        lines.extend("    " + ln for ln in dumped.rstrip().splitlines())
    return "\n".join(lines) + "\n"
