"""Names of categorical codes, from ``cad_attribset`` (field, code, name, description)."""

import pandas as pd


class Categories:
    """Look up codes and names of categorical fields such as ``faces/surface_type``.

    Parameters
    ----------
    attribset
        The ``cad_attribset`` table, or ``None`` when there is none (every lookup by name
        then fails, and codes keep no names).
    """

    def __init__(self, attribset: pd.DataFrame | None):
        self._names: dict[str, dict[int, str]] = {}
        if attribset is not None:
            for row in attribset.itertuples(index=False):
                self._names.setdefault(row.field, {})[int(row.code)] = str(row.name)

    def __contains__(self, field: str) -> bool:
        return field in self._names

    @property
    def fields(self) -> list[str]:
        return sorted(self._names)

    def names(self, field: str) -> dict[int, str]:
        """``{code: name}`` of ``field``, empty for a field that is not categorical."""
        return dict(self._names.get(field, {}))

    def name(self, field: str, code: int) -> str:
        """The name of ``code`` in ``field``, or the code as text when it has none."""
        return self._names.get(field, {}).get(int(code), str(code))

    def code(self, field: str, name: str) -> int:
        """The code of ``name`` in ``field`` (names compare case-insensitively).

        Raises
        ------
        KeyError
            If ``field`` has no category ``name``; the message lists the known names.
        """
        codes = {known.lower(): code for code, known in self._names.get(field, {}).items()}
        if name.lower() not in codes:
            known = ", ".join(self._names.get(field, {}).values()) or "none: not categorical"
            raise KeyError(f"{field} has no category {name!r} (known: {known})")
        return codes[name.lower()]
