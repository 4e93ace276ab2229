"""Hypothesis strategies: valid configurations of every convolution layer family.

Each strategy follows the layer's own argument rules (validation.py and the layer
modules) so that every drawn case is valid by construction and nothing is filtered:

* ``kernel_size``, ``strides``, ``dilation_rate``: ints >= 1, given as an int (when all
  axes agree), a tuple or a list; ``strides > 1`` and ``dilation_rate > 1`` never
  together (Conv family); LocallyConnected has no dilation.
* ``padding``: 'valid', 'same', and 'causal' for Conv1D and SeparableConv1D only
  (not DepthwiseConv1D, not rank 2); LocallyConnected 'same' needs implementation 2 or
  3; any letter case.
* ``data_format``: 'channels_last', 'channels_first' (any case) or None (the global
  setting, 'channels_last' in the tests).
* ``groups`` divides both the input channels and ``filters`` (Conv1D/2D only).
* Spatial lengths: under 'valid' ``L = k_eff + slack`` (slack 0 is a kernel exactly as
  long as the input, slack < stride an output of length 1); under 'same'/'causal'
  any ``L >= 1``, shorter than the kernel included.
* Conv and SeparableConv inputs may carry extra leading batch axes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

import convlayers

MAX_KERNEL = 5
MAX_STRIDE = 3
MAX_DILATION = 3


@dataclass
class Case:
    """One valid layer configuration and the input it is called on."""

    family: str  # 'conv', 'depthwise', 'separable' or 'local'
    cls: type
    kwargs: dict  # constructor arguments, spelled as drawn
    input_shape: tuple[int, ...]
    seed: int
    # the normalised values the references take
    rank: int
    kernel_size: tuple[int, ...]
    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: str
    channels_last: bool
    channels: int
    filters: int  # output channels
    extras: dict = field(default_factory=dict)  # groups, depth_multiplier, implementation

    def layer(self, **overrides):
        return self.cls(**{**self.kwargs, "dtype": "float64", **overrides})

    @property
    def batch_axes(self) -> int:
        return len(self.input_shape) - self.rank - 1


CONV_CLASSES = {
    ("conv", 1): convlayers.Conv1D,
    ("conv", 2): convlayers.Conv2D,
    ("depthwise", 1): convlayers.DepthwiseConv1D,
    ("depthwise", 2): convlayers.DepthwiseConv2D,
    ("separable", 1): convlayers.SeparableConv1D,
    ("separable", 2): convlayers.SeparableConv2D,
    ("local", 1): convlayers.LocallyConnected1D,
    ("local", 2): convlayers.LocallyConnected2D,
}


def spelled(draw, values: tuple[int, ...]):
    """``values`` as the user may write them: an int when all agree, a tuple or a list."""
    forms = ["tuple", "list"] + (["int"] if len(set(values)) == 1 else [])
    form = draw(st.sampled_from(forms))
    return values[0] if form == "int" else (tuple(values) if form == "tuple" else list(values))


def any_case(draw, word: str) -> str:
    return draw(st.sampled_from([word, word.upper(), word.capitalize()]))


def padding_choices(family: str, rank: int, implementation: int | None) -> list[str]:
    if family == "local":
        return ["valid"] if implementation == 1 else ["valid", "same"]
    causal = rank == 1 and family in ("conv", "separable")
    return ["valid", "same", "causal"] if causal else ["valid", "same"]


def draw_data_format(draw) -> tuple[str | None, bool]:
    fmt = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    if fmt is None:
        return None, True  # the global image data format, 'channels_last' in the tests
    return any_case(draw, fmt), fmt == "channels_last"


def draw_length(draw, k_eff: int, padding: str) -> int:
    if padding == "valid":
        return k_eff + draw(st.integers(0, 7))
    return draw(st.integers(1, 10))


@st.composite
def layer_cases(draw, family: str | tuple[str, ...] | None = None, rank: int | None = None) -> Case:
    """A valid configuration of ``family`` (one of several if a tuple, any if None) and
    ``rank``, with its input shape."""
    families = (family,) if isinstance(family, str) else family
    family = draw(st.sampled_from(families or ("conv", "depthwise", "separable", "local")))
    rank = rank or draw(st.sampled_from([1, 2]))
    implementation = draw(st.sampled_from([1, 2, 3])) if family == "local" else None
    kernel = tuple(draw(st.integers(1, MAX_KERNEL)) for _ in range(rank))
    if family == "local" or draw(st.booleans()):  # strided, undilated
        strides = tuple(draw(st.integers(1, MAX_STRIDE)) for _ in range(rank))
        dilation = (1,) * rank
    else:  # dilated, unit strides
        strides = (1,) * rank
        dilation = tuple(draw(st.integers(1, MAX_DILATION)) for _ in range(rank))
    padding = draw(st.sampled_from(padding_choices(family, rank, implementation)))
    data_format, channels_last = draw_data_format(draw)
    use_bias = draw(st.booleans())
    kwargs = {
        "kernel_size": spelled(draw, kernel),
        "padding": any_case(draw, padding),
        "data_format": data_format,
        "use_bias": use_bias,
    }
    if strides != (1,) * rank or draw(st.booleans()):
        kwargs["strides"] = spelled(draw, strides)
    if dilation != (1,) * rank or (family != "local" and draw(st.booleans())):
        kwargs["dilation_rate"] = spelled(draw, dilation)
    extras: dict = {}
    if family != "local":  # ops.conv's route for 1-D groups=1 problems: one GEMM or conv2d
        extras["gemm"] = draw(st.booleans())
    if family == "conv":
        groups = draw(st.integers(1, 3))
        channels = groups * draw(st.integers(1, 3))
        filters = groups * draw(st.integers(1, 3))
        kwargs.update(filters=filters, groups=groups)
        extras["groups"] = groups
    elif family == "local":
        channels, filters = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        kwargs.update(filters=filters, implementation=implementation)
        extras["implementation"] = implementation
        # the op's paths: its hand-written backward (else autograd's, as small layers
        # run), and a no-grad forward in one-row pieces (else in one piece)
        extras["hand_written_backward"] = draw(st.booleans())
        extras["pieces"] = draw(st.booleans())
    else:
        channels = draw(st.integers(1, 4))
        multiplier = draw(st.integers(1, 3))
        kwargs["depth_multiplier"] = multiplier
        extras["depth_multiplier"] = multiplier
        # ops.conv's paths: the hand-picked backward (else autograd's, as small layers run)
        extras["hand_written_backward"] = draw(st.booleans())
        if family == "separable":
            filters = draw(st.integers(1, 4))
            kwargs["filters"] = filters
        else:
            filters = channels * multiplier
    spatial = tuple(draw_length(draw, d * (k - 1) + 1, padding) for k, d in zip(kernel, dilation))
    leading = family in ("conv", "separable") and draw(st.integers(0, 3)) == 0
    batch = tuple(draw(st.integers(1, 3)) for _ in range(2 if leading else 1))
    shape = (*batch, *spatial, channels) if channels_last else (*batch, channels, *spatial)
    return Case(
        family=family,
        cls=CONV_CLASSES[family, rank],
        kwargs=kwargs,
        input_shape=shape,
        seed=draw(st.integers(0, 2**32 - 1)),
        rank=rank,
        kernel_size=kernel,
        strides=strides,
        dilation=dilation,
        padding=padding,
        channels_last=channels_last,
        channels=channels,
        filters=filters,
        extras=extras,
    )


def make_case(family: str, rank: int, input_shape: tuple[int, ...], **kwargs) -> Case:
    """An explicit case (a minimised regression example) from constructor arguments."""

    def axes(name: str) -> tuple[int, ...]:
        value = kwargs.get(name, 1)
        return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank

    kwargs.setdefault("use_bias", True)
    channels_last = (kwargs.get("data_format") or "channels_last").lower() == "channels_last"
    channels = input_shape[-1] if channels_last else input_shape[-rank - 1]
    extras = {
        "conv": {"groups": kwargs.get("groups", 1)},
        "local": {
            "implementation": kwargs.get("implementation", 1),
            "hand_written_backward": True,
            "pieces": True,
        },
    }.get(
        family,
        {"depth_multiplier": kwargs.get("depth_multiplier", 1), "hand_written_backward": True},
    )
    filters = kwargs.get("filters", channels * extras.get("depth_multiplier", 1))
    return Case(
        family=family,
        cls=CONV_CLASSES[family, rank],
        kwargs=kwargs,
        input_shape=input_shape,
        seed=0,
        rank=rank,
        kernel_size=axes("kernel_size"),
        strides=axes("strides"),
        dilation=axes("dilation_rate"),
        padding=kwargs.get("padding", "valid").lower(),
        channels_last=channels_last,
        channels=channels,
        filters=filters,
        extras=extras,
    )
