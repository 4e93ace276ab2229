"""``save``, ``save_weights`` and ``load_weights`` on models (mixed into ``Model``).

>>> import os, tempfile, convlayers
>>> model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "weights.h5")
>>> model.save_weights(path)
>>> model.load_weights(path)
"""

from __future__ import annotations

from typing import Any

from . import api

__all__ = ["SavingMixin"]


class SavingMixin:
    """The Keras file methods of a model."""

    def save(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the model (config, weights, compile names) to ``filepath``: ``.keras`` or
        ``.h5``/``.hdf5``, in the formats tf-keras 2.21 loads."""
        api.save_model(self, filepath, overwrite)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the weights: ``.weights.h5`` as a Keras variable store (as Keras 3 and
        tf-keras write it), other ``.h5`` names in tf-keras' legacy layout."""
        api.save_weights(self, filepath, overwrite)

    def load_weights(
        self, filepath: Any, by_name: bool = False, skip_mismatch: bool = False
    ) -> None:
        """Load weights from a tf-keras ``.h5`` (model or weights), a ``.weights.h5`` or a
        ``.keras`` file, all or nothing (see :func:`convlayers.saving.load_weights`)."""
        api.load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)
