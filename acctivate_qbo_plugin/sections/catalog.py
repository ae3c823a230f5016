"""The ordered set of sections, and the plan for a run: requested + prerequisites - disabled."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from acctivate_qbo_plugin.sections.base import Section

__all__ = ["SectionCatalog"]


class SectionCatalog:
    """Sections in run order. A prerequisite must come before the sections that need it."""

    def __init__(self, sections: Iterable[type[Section]]) -> None:
        self._sections: dict[str, type[Section]] = {}
        for section in sections:
            name = section.name
            if name in self._sections:
                raise ValueError(f"two sections are named {name!r}")
            for prerequisite in section.prerequisites:
                if prerequisite not in self._sections:
                    raise ValueError(
                        f"section {name!r} needs {prerequisite!r}, which must be declared before it"
                    )
            self._sections[name] = section
        self._pull = tuple(n for n, s in self._sections.items() if s.direction.pulls)
        self._lookups: dict[str, tuple[str, ...]] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._sections)

    def __iter__(self) -> Iterator[type[Section]]:
        return iter(self._sections.values())

    def __contains__(self, name: object) -> bool:
        return name in self._sections

    def __len__(self) -> int:
        return len(self._sections)

    def get(self, name: str) -> type[Section]:
        try:
            return self._sections[name]
        except KeyError:
            raise KeyError(
                f"no section named {name!r}; sections are {', '.join(self._sections)}"
            ) from None

    def pull_sections(self) -> tuple[str, ...]:
        """Sections that bring QBO changes into the host (what an unknown lookup refreshes)."""
        return self._pull

    def for_lookup(self, name: str) -> tuple[str, ...]:
        """The sections a lookup or list window asks for (remembered: a hook is hot code)."""
        found = self._lookups.get(name)
        if found is None:
            from acctivate_qbo_plugin.triggers import sections_for_lookup

            found = self._lookups.setdefault(name, sections_for_lookup(name, self._pull))
        return found

    def with_prerequisites(self, requested: Iterable[str]) -> set[str]:
        wanted: set[str] = set()
        stack = [n for n in requested if n in self._sections]
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(self._sections[name].prerequisites)
        return wanted

    def plan(self, requested: Iterable[str], enabled: Callable[[str], bool]) -> tuple[str, ...]:
        """The sections a run executes, in catalog order.

        Requested sections plus their prerequisites (transitively), minus disabled ones. A
        disabled prerequisite is skipped, not fatal: the administrator turned it off on purpose.
        """
        wanted = self.with_prerequisites(requested)
        return tuple(n for n in self._sections if n in wanted and enabled(n))
