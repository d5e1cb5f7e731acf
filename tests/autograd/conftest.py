"""The autograd tests run twice: on the compiled loops (when they were built) and on the Python reference."""

import pytest

from autograd import compiled

ENGINES = ["compiled", "python"] if compiled.available() else ["python"]


@pytest.fixture(scope="module", autouse=True, params=ENGINES)
def engine(request):
    """The loops a module's tests run on; module-scoped, so hypothesis's tests may use it."""
    with compiled.using(request.param == "compiled"):
        yield request.param
