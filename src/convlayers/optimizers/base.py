"""The Keras optimizer as a ``torch.optim.Optimizer``: made without parameters, bound later.

An :class:`Optimizer` takes tf-keras 2.21's constructor arguments and reproduces its
``apply_gradients``: clip the gradients, decay the weights, run the update rule (each
subclass's ``_update_step``, on all weights of a dtype at once with ``_foreach`` ops),
update the weights' moving averages with ``use_ema``, count the step in ``iterations``.

It is a real torch optimizer. Made Keras style, ``Adam(1e-3)``, it holds one parameter
group with no parameters until it is bound with :meth:`Optimizer.build` (``fit`` binds the
optimizer given to ``compile`` to the model's trainable weights); made torch style,
``Adam(model.parameters(), lr=1e-3)`` or with parameter groups, it is bound at once. Each
hyperparameter lives in ``param_groups[i]`` under its Keras name, the learning rate under
``"lr"`` so that torch LR schedulers and callbacks that write ``param_groups`` work; the
Keras attributes (``opt.beta_1``, ``opt.learning_rate``, ...) read the first group and set
every group. ``state_dict()`` holds the per-weight slots (Keras' names: ``"m"``, ``"v"``,
...) and ``"iterations"``.

>>> import torch, convlayers
>>> w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
>>> opt = convlayers.optimizers.SGD(learning_rate=0.1)
>>> opt.build([w])
>>> w.grad = torch.tensor([1.0, -1.0])
>>> opt.step()
>>> [round(x, 6) for x in w.tolist()], int(opt.iterations), float(opt.learning_rate)
([0.9, 2.1], 1, 0.10000000149011612)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import torch

from ..validation import argument_error
from . import gradients as G
from .arguments import (
    accept_leading_params,
    as_learning_rate,
    check_clipping,
    check_ema,
    check_kwargs,
    flag,
    number,
)
from .learning_rate import GroupValue, LearningRateMixin
from .precision import rounder
from .schedules import LearningRateSchedule
from .schedules import deserialize as deserialize_schedule
from .schedules import serialize as serialize_schedule
from .variables import ScalarVariable

__all__ = ["GroupValue", "Optimizer", "Tensors"]

_f32 = rounder(torch.float32)
Tensors = list[torch.Tensor]


class Optimizer(LearningRateMixin, torch.optim.Optimizer):
    """Base class of the Keras optimizers (see the module docstring).

    Subclasses pass their hyperparameters (``{"beta_1": ..., ...}``) to ``__init__``,
    list them in ``_config_keys`` and define ``_slots(group)`` (the per-weight state:
    ``[(name, initial value)]``) and ``_update_step(group, params, grads, slots, lr, r)``,
    which updates ``params`` in place (``lr``: the learning rate as the step uses it,
    ``r``: rounds a scalar to the weights' precision, see ``precision.rounder``).

    >>> import torch, convlayers
    >>> model = torch.nn.Linear(3, 1)
    >>> opt = convlayers.optimizers.RMSprop(model.parameters(), lr=0.01)  # torch style
    >>> opt.param_groups[0]['rho'], opt.get_config()['name']
    (0.9, 'RMSprop')
    >>> scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    >>> model(torch.ones(2, 3)).sum().backward()
    >>> opt.step()
    >>> scheduler.step()
    >>> float(opt.learning_rate), int(opt.iterations)
    (0.004999999888241291, 1)
    """

    _config_keys: ClassVar[tuple[str, ...]] = ()
    weight_decay = GroupValue()
    clipnorm = GroupValue()
    clipvalue = GroupValue()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = accept_leading_params(cls.__dict__["__init__"])  # type: ignore[method-assign]

    def __init__(
        self,
        learning_rate: Any,
        name: str,
        hyperparameters: dict[str, Any],
        *,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        jit_compile: bool = True,
        **kwargs: Any,
    ) -> None:
        params = kwargs.pop("params", None)
        if "lr" in kwargs:  # tf-keras warns and ignores it; old Keras code means it
            learning_rate = kwargs.pop("lr")
        kwargs.pop("is_legacy_optimizer", None)
        check_kwargs(kwargs, type(self).__name__)
        check_clipping(clipnorm, clipvalue, global_clipnorm)
        check_ema(flag(use_ema, "use_ema"), ema_momentum, ema_overwrite_frequency)
        flag(jit_compile, "jit_compile")
        if not isinstance(name, str):
            raise argument_error("name", "a string", name)
        self._schedule: LearningRateSchedule | None = None
        self._scheduled_lr = math.nan
        self._iterations = 0
        if isinstance(learning_rate, LearningRateSchedule):
            self._schedule, lr = learning_rate, float(learning_rate(0))
            self._scheduled_lr = lr
        else:
            lr = as_learning_rate(learning_rate)
        defaults = {
            "lr": lr,
            **hyperparameters,
            "weight_decay": number(weight_decay, "weight_decay", allow_none=True),
            "clipnorm": clipnorm,
            "clipvalue": clipvalue,
        }
        super().__init__([{"params": []}] if params is None else params, defaults)
        self.name = name
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.jit_compile = False  # what tf-keras reports without a GPU; nothing is compiled
        self._exclude_ids: set[int] = set()
        self._exclude_names: list[str] = []
        self._names: dict[int, str] = {  # torch-style named parameters keep their names
            id(p): name
            for group in self.param_groups
            for name, p in zip(group.get("param_names", []), group["params"])
        }

    # ---------------------------------------------------------------- binding

    @property
    def built(self) -> bool:
        """Whether the optimizer is bound to parameters."""
        return any(group["params"] for group in self.param_groups)

    def build(self, var_list: Iterable[Any]) -> None:
        """Bind the optimizer to ``var_list`` (tensors, or ``(name, tensor)`` pairs such as
        ``model.named_parameters()``; the names serve ``exclude_from_weight_decay``).
        On a bound optimizer this only checks that it knows every tensor."""
        entries = list(var_list)
        params = [e[1] if isinstance(e, tuple) else e for e in entries]
        if self.built:
            known = {id(p) for group in self.param_groups for p in group["params"]}
            unknown = [p for p in params if id(p) not in known]
            if unknown:
                raise ValueError(self._unknown_message(unknown[0]))
            return
        if not params:
            raise argument_error("var_list", "a non-empty list of tensors", entries)
        placeholder = self.param_groups.pop()
        try:
            self.add_param_group({**placeholder, "params": params})
        except (TypeError, ValueError):
            self.param_groups.append(placeholder)
            raise
        self._names.update({id(e[1]): str(e[0]) for e in entries if isinstance(e, tuple)})

    def _unknown_message(self, tensor: torch.Tensor) -> str:
        return (
            f"The optimizer cannot recognize variable {self._names.get(id(tensor), '')}. This "
            "usually means you are trying to call the optimizer to update different parts of "
            "the model separately. Please call `optimizer.build(variables)` with the full "
            "list of trainable variables before the training loop. Received: a tensor of "
            f"shape {tuple(tensor.shape)} the optimizer is not bound to."
        )

    def exclude_from_weight_decay(
        self, var_list: Iterable[torch.Tensor] | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Exclude tensors (``var_list``) and weights whose name matches a regular
        expression in ``var_names`` from weight decay; before the first step. Names are
        those given to ``build`` (``fit`` gives ``'<layer name>/<weight name>:0'``)."""
        if self._iterations or any(self.state.values()):
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configued before the optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list or []}
        self._exclude_names = list(var_names or [])

    def _use_weight_decay(self, param: torch.Tensor) -> bool:
        if id(param) in self._exclude_ids:
            return False
        if not self._exclude_names:
            return True
        if id(param) not in self._names:
            raise ValueError(
                "`var_names` of exclude_from_weight_decay needs the weights' names: bind the "
                "optimizer with named tensors, e.g. build(model.named_parameters()). Received: "
                f"var_names={self._exclude_names}"
            )
        return not any(re.search(n, self._names[id(param)]) for n in self._exclude_names)

    # ------------------------------------------------------------------- step

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """One update of every bound parameter that has a ``grad`` (a no-op, not counted,
        when none has). ``closure`` re-evaluates the loss, as in torch."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        if not self.built:
            raise ValueError(
                f"The optimizer {self.name!r} is not bound to any parameters: call "
                "`optimizer.build(params)` first (or `compile` and `fit` a model with it)."
            )
        work = []
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            work.append((group, params, [p.grad for p in params]))
        self._apply(work)
        return loss

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, torch.Tensor]]) -> ScalarVariable:
        """tf-keras' ``apply_gradients``: update each tensor with its gradient (pairs with a
        None gradient are skipped), binding the optimizer to the tensors on first use; then
        apply each tensor's ``constraint``. Returns ``iterations``."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        if not self.built:
            self.build([v for _, v in pairs])
        given = [(g, v) for g, v in pairs if g is not None]
        if not given:
            raise ValueError(f"No gradients provided for any variable: {len(pairs)} tensors.")
        index = {id(p): i for i, group in enumerate(self.param_groups) for p in group["params"]}
        work: list[tuple[dict[str, Any], Tensors, Tensors]] = [
            (group, [], []) for group in self.param_groups
        ]
        for grad, var in given:
            if id(var) not in index:
                raise ValueError(self._unknown_message(var))
            _, params, grads = work[index[id(var)]]
            params.append(var)
            grads.append(torch.as_tensor(grad, dtype=var.dtype, device=var.device))
        with torch.no_grad():
            self._apply(work)
            for _, var in given:
                constraint = getattr(var, "constraint", None)
                if constraint is not None:
                    var.copy_(constraint(var))
        return self.iterations

    def minimize(self, loss: Callable[[], torch.Tensor], var_list: Iterable[torch.Tensor]) -> None:
        """Compute the gradients of ``loss()`` (a callable) for ``var_list`` and apply them."""
        var_list = list(var_list)
        with torch.enable_grad():
            grads = torch.autograd.grad(loss(), var_list, allow_unused=True)
        self.apply_gradients(zip(grads, var_list))

    def _apply(self, work: list[tuple[dict[str, Any], Tensors, Tensors]]) -> None:
        work = [item for item in work if item[1]]
        if not work:
            return
        self._refresh_schedule()
        for group, params, grads in work:
            for p, g in zip(params, grads):
                if g.is_sparse:
                    raise ValueError(f"{type(self).__name__} does not support sparse gradients.")
                self._ensure_state(group, p)
        norm = None
        if self.global_clipnorm and not all(group["clipnorm"] for group, _, _ in work):
            norm = G.global_norm([g for _, _, grads in work for g in grads])
        for group, params, grads in work:
            for ps, gs in _buckets(params, grads):
                r = rounder(ps[0].dtype)
                lr = r(_f32(group["lr"]))
                gs = self._clip(group, gs, norm, r)
                if group["weight_decay"] is not None:
                    decayed = [p for p in ps if self._use_weight_decay(p)]
                    if decayed:
                        G.decay_weights(decayed, r(group["weight_decay"]), lr)
                slots = {name: [self.state[p][name] for p in ps] for name, _ in self._slots(group)}
                self._update_step(group, ps, gs, slots, lr, r)
        if self.use_ema:
            self._update_averages([p for _, params, _ in work for p in params])
        self._iterations += 1

    def _clip(
        self, group: dict[str, Any], grads: Tensors, norm: torch.Tensor | None, r: Callable
    ) -> Tensors:
        if group["clipnorm"]:
            return G.clip_by_norm(grads, group["clipnorm"])
        if norm is not None:
            return G.clip_by_global_norm(grads, self.global_clipnorm, norm, r)
        if group["clipvalue"]:
            return G.clip_by_value(grads, group["clipvalue"])
        return grads

    def _ensure_state(self, group: dict[str, Any], param: torch.Tensor) -> None:
        state = self.state[param]
        for name, fill in self._slots(group):
            if name not in state:
                state[name] = torch.full_like(param, fill, memory_format=torch.preserve_format)
        if self.use_ema and "average" not in state:
            state["average"] = param.detach().clone(memory_format=torch.preserve_format)

    def _update_averages(self, params: Tensors) -> None:
        overwrite = self.ema_overwrite_frequency and (
            (self._iterations + 1) % self.ema_overwrite_frequency == 0
        )
        for ps, _ in _buckets(params, params):
            averages = [self.state[p]["average"] for p in ps]
            G.update_ema(averages, ps, self.ema_momentum)
            if overwrite:
                torch._foreach_copy_(ps, averages)

    def finalize_variable_values(self, var_list: Iterable[torch.Tensor]) -> None:
        """With ``use_ema``, overwrite the tensors with their moving averages (``fit`` does
        this after the last epoch, as in tf-keras); otherwise nothing."""
        if not self.use_ema:
            return
        with torch.no_grad():
            for var in var_list:
                average = self.state.get(var, {}).get("average")
                if average is not None:
                    var.copy_(average)

    def _slots(self, group: dict[str, Any]) -> list[tuple[str, float]]:
        raise NotImplementedError

    def _update_step(
        self,
        group: dict[str, Any],
        params: Tensors,
        grads: Tensors,
        slots: dict[str, Tensors],
        lr: float,
        r: Callable[[float], float],
    ) -> None:
        raise NotImplementedError

    # ------------------------------------------------------- state and config

    def _extra_state(self) -> dict[str, Any]:
        return {"iterations": self._iterations}

    def _load_extra_state(self, extra: dict[str, Any]) -> None:
        self._iterations = int(extra.get("iterations", self._iterations))

    def state_dict(self) -> dict[str, Any]:
        """torch's state dict plus ``"iterations"`` (and the optimizer's other counters)."""
        return {**super().state_dict(), **self._extra_state()}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a :meth:`state_dict`."""
        state_dict = dict(state_dict)
        extra = {key: state_dict.pop(key) for key in self._extra_state() if key in state_dict}
        super().load_state_dict(state_dict)
        self._load_extra_state(extra)
        self._scheduled_lr = float(self.param_groups[0]["lr"])

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_optimizer_")}

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with tf-keras' keys and values (the learning rate as
        the float32 value tf-keras stores, a schedule as its ``serialize()`` dict)."""
        if self._schedule is not None:
            learning_rate: Any = serialize_schedule(self._schedule)
        else:
            learning_rate = _f32(self._read_lr())
        config = {
            "name": self.name,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "jit_compile": self.jit_compile,
            "is_legacy_optimizer": False,
            "learning_rate": learning_rate,
        }
        config.update({key: self.param_groups[0][key] for key in self._config_keys})
        return config

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Optimizer:
        """An optimizer (not bound) from :meth:`get_config` output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), Mapping):
            config["learning_rate"] = deserialize_schedule(config["learning_rate"], custom_objects)
        return cls(**config)


def _buckets(params: Tensors, grads: Tensors) -> list[tuple[Tensors, Tensors]]:
    """``(params, grads)`` split by device and dtype, in order."""
    found: dict[tuple[torch.device, torch.dtype], tuple[Tensors, Tensors]] = {}
    for p, g in zip(params, grads):
        ps, gs = found.setdefault((p.device, p.dtype), ([], []))
        ps.append(p)
        gs.append(g)
    return list(found.values())
