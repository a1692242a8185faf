"""Registry of policy keys: each key names a pydantic schema that every stored value must satisfy.

Apps register the keys they read (`register_policy(...)` in their `policy_keys.py`), so the bureau's
edit page can validate input and explain each key, and a typo in a seed file fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from eldercare.core.exceptions import DomainError


@dataclass(frozen=True, slots=True)
class PolicyKey:
    key: str
    title: str
    description: str
    schema: Any  # a pydantic model or any type a TypeAdapter accepts

    def validate(self, value: Any) -> Any:
        """The value in plain JSON form after validation; raises DomainError listing every problem."""
        adapter = TypeAdapter(self.schema)
        try:
            parsed = adapter.validate_python(value)
        except ValidationError as exc:
            raise DomainError(
                "policy_invalid",
                f"The value for {self.key} is not valid.",
                [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()],
                status=422,
            ) from exc
        return adapter.dump_python(parsed, mode="json")


_REGISTRY: dict[str, PolicyKey] = {}


def register_policy(key: str, *, title: str, description: str, schema: Any) -> PolicyKey:
    entry = PolicyKey(key=key, title=title, description=description, schema=schema)
    _REGISTRY[key] = entry
    return entry


def policy_key(key: str) -> PolicyKey:
    try:
        return _REGISTRY[key]
    except KeyError as exc:
        raise DomainError(
            "policy_unknown_key", f"No policy is registered under {key!r}.", status=404
        ) from exc


def registered_policies() -> list[PolicyKey]:
    return sorted(_REGISTRY.values(), key=lambda p: p.key)


__all__ = ["BaseModel", "PolicyKey", "policy_key", "register_policy", "registered_policies"]
