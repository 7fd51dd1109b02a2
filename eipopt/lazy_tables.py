"""Result tables built on first read: a caller that reads only the summary (a sweep, a what-if loop) never builds them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping

import pandas as pd


class LazyTables(MutableMapping):
    """{name: DataFrame}, each table made by its function when first read, then kept.

    Reads like the dict of tables it stands for (``in``, ``get``, ``items``
    ...); pickled, it becomes that dict with every table built.
    """

    def __init__(self, makers: dict[str, Callable[[], pd.DataFrame]]):
        self._makers = dict(makers)
        self._tables: dict[str, pd.DataFrame] = {}
        self._order = list(makers)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            if name not in self._makers:
                raise KeyError(name)
            self._tables[name] = self._makers.pop(name)()
        return self._tables[name]

    def __setitem__(self, name: str, table: pd.DataFrame) -> None:
        self._makers.pop(name, None)
        self._tables[name] = table
        if name not in self._order:
            self._order.append(name)

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._makers.pop(name, None)
        self._tables.pop(name, None)
        self._order.remove(name)

    def __contains__(self, name: object) -> bool:  # without building the table (Mapping's own reads it)
        return name in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __reduce__(self):
        return dict, (dict(self.items()),)

    def __repr__(self) -> str:
        built = [name for name in self._order if name in self._tables]
        return f"LazyTables({self._order}, built={built})"
