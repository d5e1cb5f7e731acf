"""PyTorch's device spellings, so that code written to run anywhere runs here: chainrule's one device is the CPU."""

from __future__ import annotations


class device(str):
    """``device("cpu")``: a device name that is also a ``str``; ``.to()`` accepts the CPU and refuses others.

    >>> import autograd
    >>> d = autograd.device("cuda" if autograd.cuda.is_available() else "cpu")
    >>> d, d.type, autograd.zeros(2).to(d).device == d
    (device(type='cpu'), 'cpu', True)
    """

    def __new__(cls, type: str = "cpu", index: int | None = None) -> device:
        return super().__new__(cls, str(type) if index is None else f"{type}:{index}")

    @property
    def type(self) -> str:
        return self.split(":")[0]

    @property
    def index(self) -> int | None:
        _, _, number = self.partition(":")
        return int(number) if number else None

    def __repr__(self) -> str:
        return f"device(type={self.type!r}" + ("" if self.index is None else f", index={self.index}") + ")"


class _Cuda:
    """``autograd.cuda``: what PyTorch code asks before choosing a device (there is no GPU here)."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0

    @staticmethod
    def manual_seed(seed: int) -> None:
        """Nothing to seed (as PyTorch's without a GPU)."""

    manual_seed_all = manual_seed


cuda = _Cuda()
