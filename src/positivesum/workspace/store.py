"""The scenario library, datasets, comments, forks and proposals, search and the audit log (runs: runs.py).

Plain functions over a SQLAlchemy session and an :class:`~.access.Actor`; they return plain data (dicts)
for the web layer, raise :class:`~positivesum.model.errors.InputError` for bad input,
:class:`~.access.NotFound` for anything the actor may not read (exactly as if it did not exist) and
:class:`~.access.Forbidden` for a readable object the actor may not change. Every query of a marked table
is filtered by :func:`~.access.readable` in SQL, and every read and write of a marked object is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..diffing import brief, diff_trees
from ..model.errors import InputError
from . import markings as mk
from .access import (
    Actor,
    Forbidden,
    NotFound,
    audit,
    audit_many,
    input_problem,
    marking_id,
    marking_of,
    marking_texts,
    parse_marking,
    readable,
    require_role,
)
from .loading import Loaded, check_file_name, load_upload, parse, resolve_sources
from .models import (
    AuditEntry,
    Comment,
    Dataset,
    Organisation,
    Proposal,
    Scenario,
    ScenarioVersion,
    now,
)
from .rows import LIST_LIMIT, Names, iso, like_pattern, mark_deleted, owned_by, sha256
from .runs import list_runs

MAX_TITLE = 200
MAX_COMMENT = 10_000
MAX_CHANGES_KEPT = 200


def check_title(title: object, key: str = "title") -> str:
    if not isinstance(title, str) or not title.strip():
        raise input_problem(key, "no title given", "give a short title, e.g. 'Taiwan, short warning (JSDF draft)'")
    if len(title) > MAX_TITLE:
        raise input_problem(key, f"longer than {MAX_TITLE} characters", "shorten the title")
    return " ".join(title.split())


def check_text(text: object, key: str = "text") -> str:
    if not isinstance(text, str):
        raise input_problem(key, "no YAML text given", "paste or upload the scenario file")
    return text  # an empty text is reported by the YAML reader, as the command line reports an empty file


def organisations(db: Session) -> list[dict[str, str]]:
    """Every organisation of the workspace (codes and names are not marked: markings name them)."""
    return [
        {"code": c, "name": n}
        for c, n in db.execute(select(Organisation.code, Organisation.name).order_by(Organisation.code))
    ]


# ------------------------------------------------------------------------------------------- datasets
def _dataset_row(d: Dataset, texts: dict[int, str], names: Names) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "title": d.title,
        "marking": texts[d.marking_id],
        "owner": names.org(d.owner_org_id),
        "created_by": names.user(d.created_by),
        "created_at": iso(d.created_at),
        "sha256": d.sha256,
    }


def create_dataset(db: Session, actor: Actor, name: str, title: str, text: str, marking: object) -> dict[str, Any]:
    """Store a data file other files may import by ``name``; its marking is at least as restrictive as the
    datasets it imports."""
    require_role(actor, "analyst", "uploading a dataset")
    check_file_name(name)
    title = check_title(title or name)
    check_text(text)
    sources = resolve_sources(db, actor, text, name)
    floor = mk.combine(marking_of(db, s.dataset.marking_id) for s in sources if s.dataset is not None)
    chosen = parse_marking(db, marking, actor, floor=floor)
    row = Dataset(
        name=name,
        title=title,
        text=text,
        sha256=sha256(text),
        owner_org_id=actor.org_id,
        marking_id=marking_id(db, chosen),
        created_by=actor.user_id,
    )
    db.add(row)
    db.flush()
    audit(db, actor, "write", "dataset", row.id, row.marking_id, "uploaded")
    return _dataset_row(row, marking_texts(db, [row.marking_id]), Names(db))


def _readable_datasets(actor: Actor) -> Any:
    return select(Dataset).where(readable(Dataset.marking_id, actor), Dataset.deleted_at.is_(None))


def list_datasets(db: Session, actor: Actor, q: str | None = None) -> list[dict[str, Any]]:
    stmt = _readable_datasets(actor)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(Dataset.title.ilike(pattern, escape="\\"), Dataset.name.ilike(pattern, escape="\\")))
    rows = list(db.scalars(stmt.order_by(Dataset.id.desc()).limit(LIST_LIMIT)))
    audit_many(db, actor, "list", "dataset", [(d.id, d.marking_id) for d in rows])
    texts, names = marking_texts(db, {d.marking_id for d in rows}), Names(db)
    return [_dataset_row(d, texts, names) for d in rows]


def get_dataset(db: Session, actor: Actor, ident: int, *, with_text: bool = True) -> dict[str, Any]:
    d = db.scalar(_readable_datasets(actor).where(Dataset.id == ident))
    if d is None:
        raise NotFound("dataset", ident)
    audit(db, actor, "read", "dataset", d.id, d.marking_id)
    out = _dataset_row(d, marking_texts(db, [d.marking_id]), Names(db))
    if with_text:
        out["text"] = d.text
    return out


# ------------------------------------------------------------------------------------------ scenarios
def _readable_scenarios(actor: Actor) -> Any:
    return select(Scenario).where(readable(Scenario.marking_id, actor), Scenario.deleted_at.is_(None))


def _scenario(db: Session, actor: Actor, ident: int) -> Scenario:
    sc = db.scalar(_readable_scenarios(actor).where(Scenario.id == ident))
    if sc is None:
        raise NotFound("scenario", ident)
    return sc


def _version(db: Session, sc: Scenario, number: int | None) -> ScenarioVersion:
    n = sc.latest_version if number is None else number
    v = db.scalar(select(ScenarioVersion).where(ScenarioVersion.scenario_id == sc.id, ScenarioVersion.number == n))
    if v is None:
        raise NotFound(f"version of scenario {sc.id}", n)
    return v


def _scenario_row(sc: Scenario, texts: dict[int, str], names: Names) -> dict[str, Any]:
    return {
        "id": sc.id,
        "title": sc.title,
        "marking": texts[sc.marking_id],
        "owner": names.org(sc.owner_org_id),
        "created_by": names.user(sc.created_by),
        "created_at": iso(sc.created_at),
        "updated_at": iso(sc.updated_at),
        "latest_version": sc.latest_version,
        "forked_from": sc.forked_from_id,
        "forked_from_version": sc.forked_from_version,
    }


def _check_floor(loaded: Loaded, marking: mk.Marking) -> None:
    """A scenario's marking must be at least as restrictive as every dataset its file imports."""
    if not marking.at_least_as_restrictive_as(loaded.marking):
        names = ", ".join(f"{d['name']} ({d['marking']})" for d in loaded.datasets)
        raise mk.MarkingError(
            input_problem(
                "marking",
                f"the file imports {names}, more restrictive than the marking {marking.text}",
                f"mark it {mk.combine([marking, loaded.marking]).text}, or import data released more widely",
            ).problems
        )


def validate_text(db: Session, actor: Actor, text: str, name: str = "scenario.yaml") -> dict[str, Any]:
    """Check a scenario file as `positivesum validate` does; {ok, problems[], scenarios[], marking_floor}."""
    try:
        loaded = load_upload(db, actor, check_text(text), name)
    except InputError as e:
        return {"ok": False, "problems": problem_dicts(e)}
    return {
        "ok": True,
        "problems": [],
        "scenarios": sorted(loaded.ld.dataset.scenarios),
        "datasets": loaded.datasets,
        "marking_floor": loaded.marking.text,
    }


def problem_dicts(e: InputError) -> list[dict[str, Any]]:
    return [
        {
            "file": p.location.file if p.location else None,
            "line": p.location.line if p.location else None,
            "key": p.key_path,
            "message": p.message,
            "fix": p.fix,
            "text": p.format(),
        }
        for p in e.problems
    ]


def create_scenario(
    db: Session, actor: Actor, title: str, text: str, marking: object, message: str = "", name: str = "scenario.yaml"
) -> dict[str, Any]:
    """Add a scenario file to the library (version 1), validated as the command line validates it."""
    require_role(actor, "analyst", "adding a scenario")
    title = check_title(title)
    check_text(text)
    loaded = load_upload(db, actor, text, name)
    chosen = parse_marking(db, marking, actor)
    _check_floor(loaded, chosen)
    sc = Scenario(
        title=title,
        owner_org_id=actor.org_id,
        marking_id=marking_id(db, chosen),
        created_by=actor.user_id,
        latest_version=1,
    )
    db.add(sc)
    db.flush()
    db.add(
        ScenarioVersion(
            scenario_id=sc.id,
            number=1,
            text=text,
            sha256=sha256(text),
            author_id=actor.user_id,
            message=(message or "first version")[:2000],
            changes=[],
        )
    )
    db.flush()
    audit(db, actor, "write", "scenario", sc.id, sc.marking_id, "version 1")
    return _scenario_row(sc, marking_texts(db, [sc.marking_id]), Names(db))


def list_scenarios(db: Session, actor: Actor, q: str | None = None) -> list[dict[str, Any]]:
    stmt = _readable_scenarios(actor)
    if q:
        stmt = stmt.where(Scenario.title.ilike(like_pattern(q), escape="\\"))
    rows = list(db.scalars(stmt.order_by(Scenario.updated_at.desc(), Scenario.id.desc()).limit(LIST_LIMIT)))
    audit_many(db, actor, "list", "scenario", [(s.id, s.marking_id) for s in rows])
    texts, names = marking_texts(db, {s.marking_id for s in rows}), Names(db)
    return [_scenario_row(s, texts, names) for s in rows]


def get_scenario(db: Session, actor: Actor, ident: int) -> dict[str, Any]:
    """A scenario with its versions (who, when, what changed), comments, fork origin and proposals."""
    sc = _scenario(db, actor, ident)
    audit(db, actor, "read", "scenario", sc.id, sc.marking_id)
    names = Names(db)
    out = _scenario_row(sc, marking_texts(db, [sc.marking_id]), names)
    versions = db.scalars(
        select(ScenarioVersion).where(ScenarioVersion.scenario_id == sc.id).order_by(ScenarioVersion.number.desc())
    )
    out["versions"] = [
        {
            "number": v.number,
            "author": names.user(v.author_id),
            "created_at": iso(v.created_at),
            "message": v.message,
            "changes": v.changes,
            "sha256": v.sha256,
        }
        for v in versions
    ]
    out["comments"] = [
        {
            "id": c.id,
            "author": names.user(c.author_id),
            "version": c.version_number,
            "body": c.body,
            "created_at": iso(c.created_at),
        }
        for c in db.scalars(select(Comment).where(Comment.scenario_id == sc.id).order_by(Comment.id))
    ]
    # the origin is shown only if the reader may read it
    origin = None
    if sc.forked_from_id is not None:
        src = db.scalar(_readable_scenarios(actor).where(Scenario.id == sc.forked_from_id))
        if src is not None:
            origin = {"id": src.id, "title": src.title, "version": sc.forked_from_version}
    out["origin"] = origin
    props = db.scalars(
        select(Proposal)
        .where(or_(Proposal.target_id == sc.id, Proposal.source_id == sc.id), readable(Proposal.marking_id, actor))
        .order_by(Proposal.id.desc())
    )
    out["proposals"] = [_proposal_row(db, actor, p, names) for p in props]
    out["can_edit"] = can_edit(actor, sc)
    return out


def can_edit(actor: Actor, sc: Scenario) -> bool:
    return actor.at_least("analyst") and actor.org_id == sc.owner_org_id


def get_version(db: Session, actor: Actor, ident: int, number: int | None = None) -> dict[str, Any]:
    sc = _scenario(db, actor, ident)
    v = _version(db, sc, number)
    audit(db, actor, "read", "scenario", sc.id, sc.marking_id, f"version {v.number}")
    return {
        "scenario": sc.id,
        "title": sc.title,
        "marking": marking_texts(db, [sc.marking_id])[sc.marking_id],
        "number": v.number,
        "text": v.text,
        "message": v.message,
        "author": Names(db).user(v.author_id),
        "created_at": iso(v.created_at),
    }


def _tree(db: Session, actor: Actor, text: str, name: str) -> tuple[Any, mk.Marking, bool]:
    """The data to diff: the validated dataset (as the CLI's diff) or, if it does not load, the parsed file."""
    try:
        loaded = load_upload(db, actor, text, name)
        return loaded.tree(), loaded.marking, True
    except InputError:
        return parse(text, name).data, mk.public(), False


def semantic_changes(
    db: Session, actor: Actor, before: str, after: str, name: str = "scenario.yaml"
) -> tuple[list[dict[str, Any]], mk.Marking, bool]:
    """The semantic differences of two scenario files (positivesum diff of two datasets)."""
    a, ma, ok_a = _tree(db, actor, before, name)
    b, mb, ok_b = _tree(db, actor, after, name)
    changes = [
        {
            "path": c.path,
            "kind": c.kind,
            "before": brief(c.before) if c.before is not None else None,
            "after": brief(c.after) if c.after is not None else None,
        }
        for c in diff_trees(a, b)
    ]
    return changes, mk.combine([ma, mb]), ok_a and ok_b


def update_scenario(
    db: Session, actor: Actor, ident: int, text: str, message: str = "", base_version: int | None = None
) -> dict[str, Any]:
    """A new version (by an analyst or administrator of the owning organisation)."""
    sc = _scenario(db, actor, ident)
    if not can_edit(actor, sc):
        raise Forbidden(
            "only analysts and administrators of the scenario's own organisation edit it; fork it into yours and propose the change"
        )
    check_text(text)
    if base_version is not None and base_version != sc.latest_version:
        raise input_problem(
            "base_version",
            f"the scenario changed since version {base_version} (now version {sc.latest_version})",
            "reload the scenario, merge your edits into the latest version and save again",
        )
    loaded = load_upload(db, actor, text)
    marking = marking_of(db, sc.marking_id)
    _check_floor(loaded, marking)
    previous = _version(db, sc, None)
    changes, _m, _ok = semantic_changes(db, actor, previous.text, text)
    return _add_version(db, actor, sc, text, message, changes)


def _add_version(
    db: Session, actor: Actor, sc: Scenario, text: str, message: str, changes: list[dict[str, Any]]
) -> dict[str, Any]:
    number = sc.latest_version + 1
    db.add(
        ScenarioVersion(
            scenario_id=sc.id,
            number=number,
            text=text,
            sha256=sha256(text),
            author_id=actor.user_id,
            message=(message or "")[:2000],
            changes=changes[:MAX_CHANGES_KEPT],
        )
    )
    sc.latest_version = number
    sc.updated_at = now()
    db.flush()
    audit(db, actor, "write", "scenario", sc.id, sc.marking_id, f"version {number}")
    return {"id": sc.id, "version": number, "changes": len(changes)}


def diff(db: Session, actor: Actor, a: tuple[int, int | None], b: tuple[int, int | None]) -> dict[str, Any]:
    """The semantic diff of two scenario versions (of one scenario, or a fork and its origin). The diff is a
    derived object: it carries the combination of both versions' markings and of the datasets they import."""
    sa, sb = _scenario(db, actor, a[0]), _scenario(db, actor, b[0])
    va, vb = _version(db, sa, a[1]), _version(db, sb, b[1])
    if sa.id == sb.id and vb.number == va.number + 1 and 0 < len(vb.changes) < MAX_CHANGES_KEPT:
        # consecutive versions: the diff computed when the later one was saved (every reader of the scenario
        # may read the datasets it imports: a scenario is marked at least as restrictively as they are)
        changes, data_marking, semantic = list(vb.changes), mk.public(), True
    else:
        changes, data_marking, semantic = semantic_changes(db, actor, va.text, vb.text)
    marking = mk.combine([marking_of(db, sa.marking_id), marking_of(db, sb.marking_id), data_marking])
    audit(db, actor, "read", "scenario", sa.id, sa.marking_id, f"diff v{va.number}")
    if sb.id != sa.id:
        audit(db, actor, "read", "scenario", sb.id, sb.marking_id, f"diff v{vb.number}")
    return {
        "marking": marking.text,
        "a": {"scenario": sa.id, "title": sa.title, "version": va.number},
        "b": {"scenario": sb.id, "title": sb.title, "version": vb.number},
        "semantic": semantic,
        "changes": changes,
    }


def export_version(db: Session, actor: Actor, ident: int, number: int | None = None) -> tuple[str, str, str]:
    """(file name, YAML text with the marking banner, marking) — the same file the command line reads."""
    v = get_version(db, actor, ident, number)
    banner = (
        f"# MARKING: {v['marking']}\n"
        f"# {mk.NOTICE}\n"
        f"# Exported from the positivesum workspace: scenario {v['scenario']} '{_one_line(v['title'])}', version {v['number']}.\n"
    )
    return f"scenario-{v['scenario']}-v{v['number']}.yaml", banner + v["text"], v["marking"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def add_comment(db: Session, actor: Actor, ident: int, body: str) -> dict[str, Any]:
    sc = _scenario(db, actor, ident)
    require_role(actor, "analyst", "commenting")
    if not isinstance(body, str) or not body.strip():
        raise input_problem("body", "the comment is empty", "write something")
    if len(body) > MAX_COMMENT:
        raise input_problem("body", f"longer than {MAX_COMMENT:,} characters", "shorten the comment")
    c = Comment(scenario_id=sc.id, version_number=sc.latest_version, author_id=actor.user_id, body=body.strip())
    db.add(c)
    db.flush()
    audit(db, actor, "write", "scenario", sc.id, sc.marking_id, f"comment {c.id}")
    return {"id": c.id, "scenario": sc.id, "version": c.version_number}


def fork(db: Session, actor: Actor, ident: int, marking: object = None, title: str | None = None) -> dict[str, Any]:
    """Copy a scenario (its latest version) into the actor's organisation. The fork's marking is never less
    restrictive than the original's (it is combined with it)."""
    src = _scenario(db, actor, ident)
    require_role(actor, "analyst", "forking")
    floor = marking_of(db, src.marking_id)
    chosen = parse_marking(db, marking if marking else floor.text, actor, floor=floor)
    v = _version(db, src, None)
    sc = Scenario(
        title=check_title(title or f"{src.title} ({actor.org_code} fork)"),
        owner_org_id=actor.org_id,
        marking_id=marking_id(db, chosen),
        created_by=actor.user_id,
        latest_version=1,
        forked_from_id=src.id,
        forked_from_version=v.number,
    )
    db.add(sc)
    db.flush()
    db.add(
        ScenarioVersion(
            scenario_id=sc.id,
            number=1,
            text=v.text,
            sha256=v.sha256,
            author_id=actor.user_id,
            message=f"forked from scenario {src.id} version {v.number}",
            changes=[],
        )
    )
    db.flush()
    audit(db, actor, "read", "scenario", src.id, src.marking_id, f"forked as {sc.id}")
    audit(db, actor, "write", "scenario", sc.id, sc.marking_id, "fork")
    return _scenario_row(sc, marking_texts(db, [sc.marking_id]), Names(db))


def set_marking(db: Session, actor: Actor, ident: int, marking: object) -> dict[str, Any]:
    """Re-mark a scenario (an administrator of its organisation). A fork stays at least as restrictive as its
    origin, and every scenario at least as restrictive as the datasets its latest version imports."""
    sc = _scenario(db, actor, ident)
    require_role(actor, "administrator", "changing a marking")
    if actor.org_id != sc.owner_org_id:
        raise Forbidden("only administrators of the scenario's own organisation change its marking")
    floors = []
    if sc.forked_from_id is not None:
        origin = db.get(Scenario, sc.forked_from_id)
        if origin is not None:
            floors.append(marking_of(db, origin.marking_id))
    sources = resolve_sources(db, actor, _version(db, sc, None).text, "scenario.yaml")
    floors += [marking_of(db, s.dataset.marking_id) for s in sources if s.dataset is not None]
    chosen = parse_marking(db, marking, actor)
    floor = mk.combine(floors)
    if not chosen.at_least_as_restrictive_as(floor):
        raise mk.MarkingError(
            input_problem(
                "marking",
                f"{chosen.text} would release more widely than what the scenario is built from ({floor.text})",
                f"choose a marking within {floor.text}",
            ).problems
        )
    old = sc.marking_id
    sc.marking_id = marking_id(db, chosen)
    db.flush()
    audit(db, actor, "write", "scenario", sc.id, old, f"re-marked {chosen.text}")
    audit(db, actor, "write", "scenario", sc.id, sc.marking_id, "re-marked")
    return _scenario_row(sc, marking_texts(db, [sc.marking_id]), Names(db))


# ------------------------------------------------------------------------------------------ proposals
def _proposal_row(db: Session, actor: Actor, p: Proposal, names: Names) -> dict[str, Any]:
    titles = {
        i: t
        for i, t in db.execute(
            select(Scenario.id, Scenario.title).where(
                Scenario.id.in_([p.source_id, p.target_id]),
                readable(Scenario.marking_id, actor),
                Scenario.deleted_at.is_(None),
            )
        )
    }
    return {
        "id": p.id,
        "source": p.source_id if p.source_id in titles else None,
        "source_title": titles.get(p.source_id),
        "source_version": p.source_version,
        "target": p.target_id,
        "target_title": titles.get(p.target_id),
        "target_version": p.target_version,
        "marking": marking_texts(db, [p.marking_id])[p.marking_id],
        "message": p.message,
        "status": p.status,
        "author": names.user(p.author_id),
        "created_at": iso(p.created_at),
    }


def propose(db: Session, actor: Actor, fork_id: int, message: str = "") -> dict[str, Any]:
    """Propose a fork's latest version back to the scenario it was forked from. The proposal is read by the
    original's readers, so the fork must be released to all of them."""
    fk = _scenario(db, actor, fork_id)
    if not can_edit(actor, fk):
        raise Forbidden("only analysts and administrators of the fork's organisation propose it")
    if fk.forked_from_id is None:
        raise input_problem(
            "scenario", f"scenario {fk.id} is not a fork", "fork a scenario first, edit it, then propose"
        )
    target = db.scalar(_readable_scenarios(actor).where(Scenario.id == fk.forked_from_id))
    if target is None:
        raise input_problem(
            "scenario", "the scenario this fork came from is no longer released to you", "ask its organisation"
        )
    fm, tm = marking_of(db, fk.marking_id), marking_of(db, target.marking_id)
    if not tm.at_least_as_restrictive_as(fm):
        raise mk.MarkingError(
            input_problem(
                "marking",
                f"the fork is marked {fm.text}, so not every reader of the original ({tm.text}) may read it",
                f"ask your administrator to re-mark the fork {tm.text} (or wider), then propose again",
            ).problems
        )
    p = Proposal(
        source_id=fk.id,
        source_version=fk.latest_version,
        target_id=target.id,
        target_version=target.latest_version,
        marking_id=marking_id(db, mk.combine([fm, tm])),
        message=(message or "")[:2000],
        status="open",
        author_id=actor.user_id,
    )
    db.add(p)
    db.flush()
    audit(db, actor, "write", "proposal", p.id, p.marking_id, f"{fk.id} → {target.id}")
    return _proposal_row(db, actor, p, Names(db))


def list_proposals(db: Session, actor: Actor) -> list[dict[str, Any]]:
    rows = list(
        db.scalars(
            select(Proposal).where(readable(Proposal.marking_id, actor)).order_by(Proposal.id.desc()).limit(LIST_LIMIT)
        )
    )
    audit_many(db, actor, "list", "proposal", [(p.id, p.marking_id) for p in rows])
    names = Names(db)
    return [_proposal_row(db, actor, p, names) for p in rows]


def get_proposal(db: Session, actor: Actor, ident: int) -> dict[str, Any]:
    p = db.scalar(select(Proposal).where(Proposal.id == ident, readable(Proposal.marking_id, actor)))
    if p is None:
        raise NotFound("proposal", ident)
    audit(db, actor, "read", "proposal", p.id, p.marking_id)
    return _proposal_row(db, actor, p, Names(db))


def decide(db: Session, actor: Actor, ident: int, accept: bool) -> dict[str, Any]:
    """Accept (a new version of the original with the fork's text) or reject a proposal: analysts and
    administrators of the original's organisation."""
    p = db.scalar(select(Proposal).where(Proposal.id == ident, readable(Proposal.marking_id, actor)))
    if p is None:
        raise NotFound("proposal", ident)
    target = _scenario(db, actor, p.target_id)
    if not can_edit(actor, target):
        raise Forbidden("only analysts and administrators of the original's organisation decide on a proposal")
    if p.status != "open":
        raise input_problem("proposal", f"proposal {p.id} is already {p.status}", "make a new proposal")
    result: dict[str, Any] = {"id": p.id}
    if accept:
        text = db.scalar(
            select(ScenarioVersion.text).where(
                ScenarioVersion.scenario_id == p.source_id, ScenarioVersion.number == p.source_version
            )
        )
        assert text is not None
        previous = _version(db, target, None)
        changes, _m, _ok = semantic_changes(db, actor, previous.text, text)
        result["version"] = _add_version(
            db,
            actor,
            target,
            text,
            f"accepted proposal {p.id} (fork {p.source_id} v{p.source_version}): {p.message}",
            changes,
        )["version"]
    p.status = "accepted" if accept else "rejected"
    p.decided_by = actor.user_id
    p.decided_at = now()
    db.flush()
    audit(db, actor, "write", "proposal", p.id, p.marking_id, p.status)
    result["status"] = p.status
    return result


# ------------------------------------------------------------------------------------------- deleting
def delete_dataset(db: Session, actor: Actor, ident: int) -> dict[str, Any]:
    """Delete a dataset (soft: kept with its audit trail, never found again). Files importing it by name then
    import the newest other readable dataset of that name, or report it missing."""
    d = db.scalar(_readable_datasets(actor).where(Dataset.id == ident))
    if d is None:
        raise NotFound("dataset", ident)
    owned_by(actor, d.owner_org_id, "dataset")
    return mark_deleted(db, actor, "dataset", d, f"deleted {d.name}"[:300])


def delete_scenario(db: Session, actor: Actor, ident: int) -> dict[str, Any]:
    """Delete a scenario with its versions and comments (soft); its open proposals, to it or from it, are
    withdrawn. Its runs stay (they hold the text they ran in their provenance) until deleted themselves."""
    sc = _scenario(db, actor, ident)
    owned_by(actor, sc.owner_org_id, "scenario")
    for p in db.scalars(
        select(Proposal).where(or_(Proposal.target_id == sc.id, Proposal.source_id == sc.id), Proposal.status == "open")
    ):
        p.status, p.decided_by, p.decided_at = "withdrawn", actor.user_id, now()
        audit(db, actor, "write", "proposal", p.id, p.marking_id, f"withdrawn: scenario {sc.id} deleted")
    return mark_deleted(db, actor, "scenario", sc, "deleted")


# ------------------------------------------------------------------------------------ search and audit
def search(db: Session, actor: Actor, q: str) -> dict[str, list[dict[str, Any]]]:
    """Scenarios (title or latest text), datasets (name, title) and runs (title) matching ``q`` that the actor
    may read."""
    if not isinstance(q, str) or not q.strip():
        return {"scenarios": [], "datasets": [], "runs": []}
    pattern = like_pattern(q.strip())
    latest = (
        select(ScenarioVersion.scenario_id)
        .join(Scenario, Scenario.id == ScenarioVersion.scenario_id)
        .where(ScenarioVersion.number == Scenario.latest_version, ScenarioVersion.text.ilike(pattern, escape="\\"))
    )
    scen = list(
        db.scalars(
            _readable_scenarios(actor)
            .where(or_(Scenario.title.ilike(pattern, escape="\\"), Scenario.id.in_(latest)))
            .order_by(Scenario.id.desc())
            .limit(100)
        )
    )
    audit_many(db, actor, "search", "scenario", [(s.id, s.marking_id) for s in scen])
    texts, names = marking_texts(db, {s.marking_id for s in scen}), Names(db)
    return {
        "scenarios": [_scenario_row(s, texts, names) for s in scen],
        "datasets": list_datasets(db, actor, q.strip())[:100],
        "runs": list_runs(db, actor, q.strip())[:100],
    }


def audit_log(db: Session, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """Audit entries about objects the administrator may read (their organisation's people and others)."""
    require_role(actor, "administrator", "reading the audit log")
    limit = max(1, min(int(limit), 2000))
    rows = list(
        db.scalars(
            select(AuditEntry).where(readable(AuditEntry.marking_id, actor)).order_by(AuditEntry.id.desc()).limit(limit)
        )
    )
    texts, names = marking_texts(db, {r.marking_id for r in rows}), Names(db)
    return [
        {
            "at": iso(r.at),
            "user": names.user(r.user_id),
            "org": names.org(r.org_id),
            "action": r.action,
            "object": f"{r.object_type} {r.object_id}",
            "marking": texts[r.marking_id],
            "detail": r.detail,
        }
        for r in rows
    ]
