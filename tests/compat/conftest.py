"""Every compat test starts from an empty default graph."""

import pytest

from convlayers.compat import v1 as tf


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()
