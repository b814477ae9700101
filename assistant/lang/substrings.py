"""Which texts contain a given string, found through postings of character pairs instead of a
scan of every text: the cost of a look-up grows with the number of texts that share the string's
character pairs, not with the corpus.

The answer is exact (the same as ``s in text`` over every text): the pairs only choose the
candidates, and candidates of strings longer than two characters are then checked one by one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_SHIFT = 21  # bits of a code point (U+10FFFF < 2**21)
# Paired with a text's last character, so every character of a text starts a pair: the texts
# holding one character are those holding a pair that starts with it.
_END = (1 << _SHIFT) - 1
_FILES = ("pair_keys.npy", "pair_offsets.npy", "pair_ids.npy")


def _pairs(text: str, end: bool = False) -> npt.NDArray[np.int64]:
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    if end and len(codes):
        codes = np.append(codes, _END)
    return np.unique((codes[:-1] << _SHIFT) | codes[1:])


class SubstringIndex:
    """Sorted distinct character-pair keys, and for each the sorted ids of the texts holding it
    (compressed-row layout: ``ids[offsets[k]:offsets[k + 1]]``)."""

    def __init__(
        self,
        texts: Sequence[str],
        keys: npt.NDArray[np.int64],
        offsets: npt.NDArray[np.int64],
        ids: npt.NDArray[np.int32],
    ) -> None:
        self.texts = texts
        self._keys = keys
        self._offsets = offsets
        self._ids = ids

    @classmethod
    def build(cls, texts: Sequence[str]) -> SubstringIndex:
        import numpy as np

        per_text = [_pairs(t, end=True) for t in texts]
        if not any(len(p) for p in per_text):
            empty = np.zeros(0, dtype=np.int64)
            return cls(texts, empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
        pairs = np.concatenate(per_text)
        owners = np.repeat(np.arange(len(texts), dtype=np.int32), [len(p) for p in per_text])
        # Stable sort by key keeps each key's text ids in increasing order.
        order = np.argsort(pairs, kind="stable")
        pairs, owners = pairs[order], owners[order]
        keys, starts = np.unique(pairs, return_index=True)
        offsets = np.append(starts, len(pairs)).astype(np.int64)
        return cls(texts, keys, offsets, owners)

    def save(self, folder: Path) -> None:
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        arrays: tuple[npt.NDArray[Any], ...] = (self._keys, self._offsets, self._ids)
        for name, array in zip(_FILES, arrays, strict=True):
            np.save(folder / name, array)

    @classmethod
    def load(cls, folder: Path, texts: Sequence[str]) -> SubstringIndex:
        """Memory-mapped: the postings stay in the page cache, shared between processes."""
        import numpy as np

        keys, offsets, ids = (np.load(folder / name, mmap_mode="r") for name in _FILES)
        if len(offsets) != len(keys) + 1 or (len(ids) and int(ids.max()) >= len(texts)):
            raise ValueError(f"substring index in {folder} does not match its texts")
        return cls(texts, keys, offsets, ids)

    def _posting(self, key: int) -> npt.NDArray[np.int32]:
        import numpy as np

        k = int(np.searchsorted(self._keys, key))
        if k == len(self._keys) or int(self._keys[k]) != key:
            return np.zeros(0, dtype=np.int32)
        return np.asarray(self._ids[self._offsets[k] : self._offsets[k + 1]])

    def containing(self, s: str) -> npt.NDArray[np.int32]:
        """Sorted ids of the texts that contain ``s``."""
        import numpy as np

        if not s:
            return np.arange(len(self.texts), dtype=np.int32)
        if len(s) == 1:
            first = ord(s) << _SHIFT
            lo, hi = np.searchsorted(self._keys, [first, first + (1 << _SHIFT)])
            mask = np.zeros(len(self.texts), dtype=bool)  # cheaper than sorting them again
            mask[np.asarray(self._ids[self._offsets[lo] : self._offsets[hi]])] = True
            return np.flatnonzero(mask).astype(np.int32)
        postings = sorted((self._posting(int(k)) for k in _pairs(s)), key=len)
        found = postings[0]
        for other in postings[1:]:
            if not len(found):
                break
            # The shorter list's ids looked up in a mask of the other (sorted, as both are):
            # merging by a sort cost more for the long postings of a large corpus.
            mask = np.zeros(len(self.texts), dtype=bool)
            mask[other] = True
            found = found[mask[found]]
        if len(s) == 2:
            return found
        return np.array([i for i in found.tolist() if s in self.texts[i]], dtype=np.int32)
