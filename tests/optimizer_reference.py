"""A float64 NumPy reference of tf-keras 2.21's optimizers and learning-rate schedules.

Written from the update rules in tf-keras' sources (``update_step`` of each optimizer and
``Optimizer.apply_gradients``), one variable at a time, with none of the library's code:
``run(class_name, kwargs, init, grads, actions)`` returns the weights after every step.
The learning rate is rounded to float32 once, as tf-keras keeps it in a float32 variable.
"""

from __future__ import annotations

import math

import numpy as np


def f32(value: float) -> float:
    return float(np.float32(value))


# ------------------------------------------------------------------ schedules


def schedule_value(class_name: str, config: dict, step: int) -> float:
    """A schedule's learning rate at ``step`` (float64 formulas)."""
    c = dict(config)
    if class_name == "ExponentialDecay":
        p = step / c["decay_steps"]
        p = math.floor(p) if c.get("staircase") else p
        return c["initial_learning_rate"] * c["decay_rate"] ** p
    if class_name == "PiecewiseConstantDecay":
        for boundary, value in zip(c["boundaries"], c["values"]):
            if step <= boundary:
                return value
        return c["values"][-1]
    if class_name == "InverseTimeDecay":
        p = step / c["decay_steps"]
        p = math.floor(p) if c.get("staircase") else p
        return c["initial_learning_rate"] / (1 + c["decay_rate"] * p)
    if class_name == "PolynomialDecay":
        steps = c["decay_steps"]
        if c.get("cycle"):
            steps = steps * (1 if step == 0 else math.ceil(step / steps))
        else:
            step = min(step, steps)
        end = c.get("end_learning_rate", 0.0001)
        span = c["initial_learning_rate"] - end
        return span * (1 - step / steps) ** c.get("power", 1.0) + end
    if class_name == "CosineDecay":
        alpha, steps = c.get("alpha", 0.0), c["decay_steps"]
        start = c["initial_learning_rate"]
        target, warmup = c.get("warmup_target"), c.get("warmup_steps", 0)
        if target is not None:
            if step < warmup:
                return start + (target - start) * step / warmup
            step, start = step - warmup, target
        fraction = min(step, steps) / steps
        return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)
    if class_name == "CosineDecayRestarts":
        first, t_mul = c["first_decay_steps"], c.get("t_mul", 2.0)
        m_mul, alpha = c.get("m_mul", 1.0), c.get("alpha", 0.0)
        fraction, restart, period = step / first, 0, 1.0
        while fraction >= period:  # walk the periods: lengths 1, t_mul, t_mul ** 2, ...
            fraction -= period
            period *= t_mul
            restart += 1
        cosine = 0.5 * m_mul**restart * (1 + math.cos(math.pi * fraction / period))
        return c["initial_learning_rate"] * ((1 - alpha) * cosine + alpha)
    raise KeyError(class_name)


# ----------------------------------------------------------------- optimizers

COMMON = {
    "weight_decay": None,
    "clipnorm": None,
    "clipvalue": None,
    "global_clipnorm": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
}
DEFAULTS = {
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "RMSprop": {
        "learning_rate": 0.001,
        "rho": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-7,
        "centered": False,
        "ema_overwrite_frequency": 100,
    },
    "Adam": {
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
        "adaptive_epsilon": False,
        "amsgrad": False,
    },
    "AdamW": {
        "learning_rate": 0.001,
        "weight_decay": 0.004,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
        "amsgrad": False,
    },
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "Adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "Ftrl": {
        "learning_rate": 0.001,
        "learning_rate_power": -0.5,
        "initial_accumulator_value": 0.1,
        "l1_regularization_strength": 0.0,
        "l2_regularization_strength": 0.0,
        "l2_shrinkage_regularization_strength": 0.0,
        "beta": 0.0,
    },
    "Lion": {"learning_rate": 0.0001, "beta_1": 0.9, "beta_2": 0.99},
}


def _update(name: str, h: dict, w: np.ndarray, g: np.ndarray, s: dict, t: int, lr: float,
            nadam: dict) -> np.ndarray:  # fmt: skip
    """One update of weight ``w`` (returned) with gradient ``g``, slots ``s``, step ``t``."""
    if name == "SGD":
        if not h["momentum"]:
            return w - lr * g
        s["m"] = h["momentum"] * s.get("m", 0.0) - lr * g
        if h["nesterov"]:
            return w + h["momentum"] * s["m"] - lr * g
        return w + s["m"]
    if name == "RMSprop":
        rho = h["rho"]
        s["velocity"] = rho * s.get("velocity", 0.0) + (1 - rho) * g**2
        variance = s["velocity"]
        if h["centered"]:
            s["average"] = rho * s.get("average", 0.0) + (1 - rho) * g
            variance = variance - s["average"] ** 2
        increment = lr * g / np.sqrt(variance + h["epsilon"])
        if h["momentum"] > 0:
            s["momentum"] = h["momentum"] * s.get("momentum", 0.0) + increment
            increment = s["momentum"]
        return w - increment
    if name in ("Adam", "AdamW"):
        b1, b2 = h["beta_1"], h["beta_2"]
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
        v = s["v"]
        if h["amsgrad"]:
            s["vhat"] = v = np.maximum(s.get("vhat", 0.0), v)
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        epsilon = h["epsilon"]
        if h.get("adaptive_epsilon"):
            epsilon = epsilon * math.sqrt(1 - b2**t)
        return w - alpha * s["m"] / (np.sqrt(v) + epsilon)
    if name == "Adagrad":
        s["accumulator"] = s.get("accumulator", h["initial_accumulator_value"]) + g**2
        return w - lr * g / np.sqrt(s["accumulator"] + h["epsilon"])
    if name == "Adadelta":
        rho, eps = h["rho"], h["epsilon"]
        s["grad"] = rho * s.get("grad", 0.0) + (1 - rho) * g**2
        delta = -np.sqrt(s.get("delta", 0.0) + eps) / np.sqrt(s["grad"] + eps) * g
        s["delta"] = rho * s.get("delta", 0.0) + (1 - rho) * delta**2
        return w + lr * delta
    if name == "Adamax":
        b1 = h["beta_1"]
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["u"] = np.maximum(h["beta_2"] * s.get("u", 0.0), np.abs(g))
        return w - lr * s["m"] / ((1 - b1**t) * (s["u"] + h["epsilon"]))
    if name == "Nadam":
        b1, b2 = h["beta_1"], h["beta_2"]

        def mu(k):
            return b1 * (1 - 0.5 * 0.96**k)

        product = math.prod(mu(k) for k in range(1, t + 1))
        nadam["product"] = product
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
        m_hat = mu(t + 1) * s["m"] / (1 - product * mu(t + 1)) + (1 - mu(t)) * g / (1 - product)
        v_hat = s["v"] / (1 - b2**t)
        return w - lr * m_hat / (np.sqrt(v_hat) + h["epsilon"])
    if name == "Ftrl":
        p = -h["learning_rate_power"]
        l1 = h["l1_regularization_strength"]
        l2 = h["l2_regularization_strength"] + h["beta"] / (2 * lr)
        accumulator = s.get("accumulator", h["initial_accumulator_value"])
        new_accumulator = accumulator + g**2
        shrunk = g + 2 * h["l2_shrinkage_regularization_strength"] * w
        sigma = (new_accumulator**p - accumulator**p) / lr
        s["linear"] = s.get("linear", 0.0) + shrunk - sigma * w
        s["accumulator"] = new_accumulator
        quadratic = new_accumulator**p / lr + 2 * l2
        return (np.clip(s["linear"], -l1, l1) - s["linear"]) / quadratic
    if name == "Lion":
        b1, b2 = h["beta_1"], h["beta_2"]
        m = s.get("m", 0.0)
        s["m"] = b2 * m + (1 - b2) * g
        return w - lr * np.sign(b1 * m + (1 - b1) * g)
    raise KeyError(name)


def run(name: str, kwargs: dict, init: list, grads: list, actions: dict) -> list[list[np.ndarray]]:
    """The weights after each step (``grads[step][i]`` None: no gradient for weight i)."""
    h = {**COMMON, **DEFAULTS[name], **kwargs}
    schedule = h["learning_rate"] if isinstance(h["learning_rate"], dict) else None
    lr = None if schedule else f32(h["learning_rate"])
    set_lr = dict(actions.get("set_lr", []))
    excluded = set(actions.get("exclude", []))
    weights = [np.asarray(w, np.float64) for w in init]
    slots: list[dict] = [{} for _ in weights]
    averages: list = [None for _ in weights]
    nadam: dict = {}
    out = []
    for step, step_grads in enumerate(grads):
        lr = f32(set_lr[step]) if step in set_lr else lr
        if schedule:
            lr = f32(schedule_value(schedule["class_name"], schedule["config"], step))
        live = [i for i, g in enumerate(step_grads) if g is not None]
        gs = {i: np.asarray(step_grads[i], np.float64) for i in live}
        if h["clipnorm"]:
            gs = {
                i: g * h["clipnorm"] / max(np.linalg.norm(g), h["clipnorm"]) for i, g in gs.items()
            }
        elif h["global_clipnorm"]:
            norm = math.sqrt(sum(float(np.sum(g**2)) for g in gs.values()))
            scale = h["global_clipnorm"] / max(norm, h["global_clipnorm"])
            gs = {i: g * scale for i, g in gs.items()}
        elif h["clipvalue"]:
            gs = {i: np.clip(g, -h["clipvalue"], h["clipvalue"]) for i, g in gs.items()}
        for i in live:
            if averages[i] is None and h["use_ema"]:
                averages[i] = weights[i].copy()
            if h["weight_decay"] is not None and i not in excluded:
                weights[i] = weights[i] - weights[i] * h["weight_decay"] * lr
            weights[i] = _update(name, h, weights[i], gs[i], slots[i], step + 1, lr, nadam)
        if h["use_ema"]:
            for i in live:
                averages[i] = h["ema_momentum"] * averages[i] + (1 - h["ema_momentum"]) * weights[i]
            frequency = h["ema_overwrite_frequency"]
            if frequency and (step + 1) % frequency == 0:
                for i in live:
                    weights[i] = averages[i].copy()
        out.append([w.copy() for w in weights])
    if actions.get("finalize"):
        out.append([a if a is not None else w for a, w in zip(averages, weights)])
    return out
