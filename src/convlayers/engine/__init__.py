"""Symbolic tensors, Sequential and functional models, and their training loop.

This package's modules are imported by name (``convlayers.engine.functional``, ...);
``symbolic`` is the only one the layer base needs, so nothing is imported here.
"""
