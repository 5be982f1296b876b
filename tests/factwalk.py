"""A walker over sourced numbers for the data tests, written apart from planner.facts so
the tests do not trust the code they check."""

from pydantic import BaseModel

from planner.models.base import Fact, Series


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
