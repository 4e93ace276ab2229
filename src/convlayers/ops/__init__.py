"""Functional torch ops behind the layers (the hot paths)."""

from .conv import conv

__all__ = ["conv"]
