"""A walker over sourced numbers for the data tests, written apart from planner.domain.facts so
the tests do not trust the code they check."""

from pydantic import BaseModel

from planner.models.base import AS_OF_PATTERN, Fact, Series


def walk_facts(obj, path: str = "catalog"):
    """Yield (path, Fact or Series) for every sourced number anywhere in a model tree."""
    if isinstance(obj, (Fact, Series)):
        yield path, obj
        return
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from walk_facts(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from walk_facts(value, f"{path}[{key}]")
    elif isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            yield from walk_facts(value, f"{path}[{getattr(value, 'id', index)}]")


def unsourced(obj) -> list[str]:
    """Every sourced number without a source or with a malformed as_of, by path."""
    problems = []
    for path, fact in walk_facts(obj):
        if not fact.source or not fact.source.strip():
            problems.append(f"{path}: empty source")
        if not AS_OF_PATTERN.match(fact.as_of):
            problems.append(f"{path}: bad as_of {fact.as_of!r}")
    return problems


def unexplained_estimates(obj) -> list[str]:
    """Every estimate without a note saying why, by path."""
    return [path for path, fact in walk_facts(obj)
            if fact.estimate and not (fact.note and fact.note.strip())]
