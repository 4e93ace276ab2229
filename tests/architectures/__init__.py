"""Public Keras model definitions that use our layers, with only their imports changed.

Each module imports from ``convlayers`` exactly where the public code imports from
``tensorflow.keras``; ``tools/make_architecture_fixtures.py`` runs the same source with
those imports pointed back at tf-keras 2.21 and records what the reference builds.
"""
