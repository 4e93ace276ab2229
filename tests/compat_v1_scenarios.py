"""TF1 scenarios run unchanged on ``tf.compat.v1`` (by tools/make_compat_v1_fixtures.py) and
on ``convlayers.compat.v1`` (by tests/compat/test_compat_v1_fixtures.py).

A scenario is ``fn(tf, kit, x1, x2) -> {"outputs": {...}, "layers": {...}}``: ``tf`` is the
TF1 namespace, ``kit`` gives what the two sides spell differently (regularizers, the Keras
layer base class, matmul, constraints), records expected errors (``kit.attempt``) and takes
one SGD step (``kit.sgd_step``: constraints applied after it, as TF1 optimizers do); ``x1``
is a ``(2, 10, 3)`` and ``x2`` a ``(2, 7, 6, 3)`` input. The recorders read the variables,
collections, layers, outputs and errors afterwards. This module imports neither
TensorFlow nor convlayers.
"""

from __future__ import annotations

SCENARIOS = {}
# Scenarios whose initial values are recorded (not overwritten by the seeded weights).
INIT_SCENARIOS = ("scope_initializer", "glorot_fans_of_partitioned_kernel")


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


@scenario
def two_conv1d_in_one_scope(tf, kit, x1, x2):
    with tf.variable_scope("outer"):
        y = tf.layers.conv1d(x1, 4, 3)
        z = tf.layers.conv1d(y, 5, 2, padding="same")
    return {"outputs": {"z": z}, "layers": {}}


@scenario
def nested_scopes_and_default_names(tf, kit, x1, x2):
    with tf.variable_scope("a"):
        y = tf.layers.conv1d(x1, 4, 3)
        with tf.variable_scope("b"):
            y = tf.layers.conv1d(y, 4, 3)
            y = tf.layers.separable_conv1d(y, 3, 2)
        with tf.variable_scope("b"):  # re-entered by name: counts restarted, new names clash
            kit.attempt("b_again", lambda: tf.layers.conv1d(x1, 4, 3))
        y = tf.layers.conv1d(y, 2, 1)
    with tf.variable_scope("c"):
        w = tf.layers.conv1d(x1, 2, 1)
    return {"outputs": {"y": y, "w": w}, "layers": {}}


@scenario
def reenter_by_name_with_reuse(tf, kit, x1, x2):
    with tf.variable_scope("outer"):
        a = tf.layers.conv1d(x1, 4, 3)
        b = tf.layers.conv1d(a, 4, 3)
    with tf.variable_scope("outer", reuse=True):
        c = tf.layers.conv1d(x1, 4, 3)
        d = tf.layers.conv1d(c, 4, 3)
    return {"outputs": {"b": b, "d": d}, "layers": {}}


@scenario
def reenter_by_object(tf, kit, x1, x2):
    with tf.variable_scope("outer", initializer=tf.ones_initializer()) as scope:
        a = tf.layers.conv1d(x1, 4, 3)
    with tf.variable_scope("other"):
        with tf.variable_scope(scope):  # by object: the name stays 'outer'
            kit.attempt("no_reuse", lambda: tf.layers.conv1d(x1, 4, 3))
        with tf.variable_scope(scope, reuse=True):
            b = tf.layers.conv1d(x1, 4, 3)
        with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
            d = tf.layers.conv1d(x1, 2, 1, name="new_in_outer")
    return {"outputs": {"a": a, "b": b, "d": d}, "layers": {}}


@scenario
def auto_reuse(tf, kit, x1, x2):
    with tf.variable_scope("m", reuse=tf.AUTO_REUSE):
        a = tf.layers.conv1d(x1, 4, 3, name="c")
        b = tf.layers.conv1d(x1, 4, 3, name="c")
        e = tf.layers.conv1d(x1, 4, 3)
        f = tf.layers.conv1d(x1, 4, 3)
    with tf.variable_scope("m", reuse=tf.AUTO_REUSE):
        g = tf.layers.conv1d(x1, 4, 3)
    return {"outputs": {"a": a, "b": b, "e": e, "f": f, "g": g}, "layers": {}}


@scenario
def reuse_errors(tf, kit, x1, x2):
    with tf.variable_scope("outer", reuse=True):
        kit.attempt("missing", lambda: tf.layers.conv1d(x1, 4, 3, name="missing"))
    tf.layers.conv1d(x1, 4, 3, name="c")
    kit.attempt("exists", lambda: tf.layers.conv1d(x1, 4, 3, name="c"))
    y = tf.layers.conv1d(x1, 4, 3, name="c", reuse=True)
    kit.attempt("shape", lambda: tf.layers.conv1d(x1, 5, 3, name="c", reuse=True))
    kit.attempt("reuse_default_name", lambda: tf.variable_scope(None, "d", reuse=True).__enter__())
    kit.attempt("bad_reuse", lambda: tf.variable_scope("x", reuse="yes"))
    kit.attempt("no_name", lambda: tf.variable_scope(None))
    return {"outputs": {"y": y}, "layers": {}}


@scenario
def scope_initializer(tf, kit, x1, x2):
    with tf.variable_scope("init", initializer=tf.constant_initializer(0.25)):
        a = tf.layers.conv1d(x1, 4, 3)
        b = tf.layers.conv1d(x1, 4, 3, kernel_initializer=tf.ones_initializer())
        c = tf.layers.conv1d(x1, 4, 3, bias_initializer=None)
        d = tf.layers.separable_conv1d(x1, 4, 3)
    e = tf.layers.conv1d(x1, 4, 3, bias_initializer=tf.constant_initializer(0.5))
    return {"outputs": {"a": a, "b": b, "c": c, "d": d, "e": e}, "layers": {}}


@scenario
def glorot_fans_of_partitioned_kernel(tf, kit, x1, x2):
    with tf.variable_scope("g", partitioner=tf.fixed_size_partitioner(4)):
        layer = tf.layers.Conv1D(64, 8)
        y = layer(x1)
    return {"outputs": {"y": y}, "layers": {"conv": layer}}


@scenario
def regularizers_in_scope_and_layer(tf, kit, x1, x2):
    with tf.variable_scope("reg", regularizer=kit.l2(0.1)):
        layer = tf.layers.Conv1D(
            4, 3, kernel_regularizer=kit.l1(0.01), activity_regularizer=kit.l2(0.001)
        )
        y = layer(x1)
        z = tf.layers.conv1d(x1, 2, 2, name="shared")
    with tf.variable_scope("reg", reuse=True):
        w = tf.layers.conv1d(x1, 2, 2, name="shared", kernel_regularizer=kit.l1(0.5))
    plain = tf.layers.Conv2D(3, 2, bias_regularizer=kit.l2(2.0))
    v = plain(x2)
    return {"outputs": {"y": y, "z": z, "w": w, "v": v}, "layers": {"reg": layer, "plain": plain}}


@scenario
def fixed_size_partitioner(tf, kit, x1, x2):
    with tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(3)):
        conv = tf.layers.Conv1D(5, 3)
        y = conv(x1)
        z = tf.layers.separable_conv2d(x2, 7, (2, 3), depth_multiplier=2)
    with tf.variable_scope("q", partitioner=tf.fixed_size_partitioner(2, axis=-1)):
        w = tf.layers.conv2d(x2, 5, 3, padding="same", strides=2)
    return {"outputs": {"y": y, "z": z, "w": w}, "layers": {"conv": conv}}


@scenario
def variable_axis_size_partitioner(tf, kit, x1, x2):
    with tf.variable_scope("v", partitioner=tf.variable_axis_size_partitioner(64)):
        y = tf.layers.conv1d(x1, 6, 3)
    with tf.variable_scope("w", partitioner=tf.variable_axis_size_partitioner(100, axis=2)):
        z = tf.layers.conv1d(x1, 10, 2, use_bias=False)
        # the scope's partitioner reaches the bias too, whose rank is 1
        kit.attempt("axis_beyond_bias_rank", lambda: tf.layers.conv1d(x1, 10, 2, name="b"))
    with tf.variable_scope("m", partitioner=tf.variable_axis_size_partitioner(8, max_shards=2)):
        u = tf.layers.separable_conv1d(x1, 5, 3)
    return {"outputs": {"y": y, "z": z, "u": u}, "layers": {}}


@scenario
def min_max_variable_partitioner(tf, kit, x1, x2):
    part = tf.min_max_variable_partitioner(max_partitions=4, min_slice_size=40)
    with tf.variable_scope("mm", partitioner=part):
        y = tf.layers.conv1d(x1, 6, 3)
        z = tf.layers.conv2d(x2, 3, 2, data_format="channels_last")
    with tf.variable_scope("one", partitioner=tf.min_max_variable_partitioner()):
        w = tf.layers.conv1d(x1, 2, 2)
    return {"outputs": {"y": y, "z": z, "w": w}, "layers": {}}


@scenario
def partitioned_regularized_and_reused(tf, kit, x1, x2):
    part = tf.fixed_size_partitioner(2)
    with tf.variable_scope("pr", partitioner=part, regularizer=kit.l2(0.25)):
        y = tf.layers.conv1d(x1, 3, 3, name="c", kernel_regularizer=kit.l1(0.1))
    with tf.variable_scope("pr", reuse=True):
        z = tf.layers.conv1d(x1, 3, 3, name="c", kernel_regularizer=kit.l1(0.1))
    with tf.variable_scope("pr", reuse=True, partitioner=tf.fixed_size_partitioner(3)):
        kit.attempt("other_partitions", lambda: tf.layers.conv1d(x1, 3, 3, name="c"))
    with tf.variable_scope("pr"):
        kit.attempt("exists", lambda: tf.layers.conv1d(x1, 3, 3, name="c"))
    kit.attempt("unpartitioned", lambda: tf.layers.conv1d(x1, 3, 3, name="pr/c"))
    return {"outputs": {"y": y, "z": z}, "layers": {}}


@scenario
def get_variable_directly(tf, kit, x1, x2):
    with tf.variable_scope("gv", regularizer=kit.l2(1.0)):
        w = tf.get_variable("w", (7, 3), partitioner=tf.fixed_size_partitioner(3))
        v = tf.get_variable("v", (4,), trainable=False)
        s = tf.get_variable("s", (), initializer=tf.zeros_initializer())
    with tf.variable_scope("gv", reuse=True):
        w2 = tf.get_variable("w", (7, 3))
        kit.attempt("shape", lambda: tf.get_variable("v", (5,)))
        kit.attempt("missing", lambda: tf.get_variable("u", (5,)))
    with tf.variable_scope("gv"):
        kit.attempt("partitioned_exists", lambda: tf.get_variable("w", (7, 3)))
        kit.attempt(
            "unpartitioned_exists",
            lambda: tf.get_variable("v", (4,), partitioner=tf.fixed_size_partitioner(2)),
        )
        kit.attempt("no_shape", lambda: tf.get_variable("n"))
    kit.attempt("const_and_shape", lambda: tf.get_variable("k", (2,), initializer=[1.0, 2.0]))
    with tf.variable_scope("gv", reuse=True):
        kit.attempt("not_partitioned_reuse", lambda: tf.get_variable("w/part_0", (3, 3)))
    return {"outputs": {"w": w, "w2": w2, "v": v, "s": s}, "layers": {}}


@scenario
def layer_objects_and_scope_names(tf, kit, x1, x2):
    first = tf.layers.Conv1D(4, 3)
    second = tf.layers.Conv1D(4, 3, name="named")
    third = tf.layers.Conv1D(4, 3, name="named")
    kit.attempt("scope_name_before_call", lambda: first.scope_name)
    with tf.variable_scope("s"):
        a = first(x1)
        b = second(x1)
        c = third(x1)
    d = first(x1)  # called again outside: same scope and weights
    custom = tf.layers.Conv1D(2, 1)
    e = custom(x1, scope="my_scope")
    f = tf.layers.conv1d(x1, 2, 1)
    return {
        "outputs": {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f},
        "layers": {"first": first, "second": second, "third": third, "custom": custom},
    }


@scenario
def all_four_layer_functions(tf, kit, x1, x2):
    with tf.variable_scope("net"):
        a = tf.layers.conv1d(x1, 4, 3, strides=2, padding="same", activation="relu")
        b = tf.layers.conv2d(x2, 4, (3, 2), dilation_rate=2, use_bias=False)
        c = tf.layers.separable_conv1d(x1, 5, 3, padding="same", depth_multiplier=2)
        d = tf.layers.separable_conv2d(x2, 6, 3, strides=(2, 1), padding="same")
        layer = tf.layers.SeparableConv2D(3, (2, 2), dilation_rate=(1, 2), name="sep")
        e = layer.apply(x2)
    return {"outputs": {"a": a, "b": b, "c": c, "d": d, "e": e}, "layers": {"sep": layer}}


@scenario
def trainable_false(tf, kit, x1, x2):
    with tf.variable_scope("t"):
        y = tf.layers.conv1d(x1, 4, 3, trainable=False)
        z = tf.layers.conv1d(y, 4, 3)
        frozen = tf.layers.SeparableConv1D(2, 2, trainable=False)
        w = frozen(x1)
    return {"outputs": {"z": z, "w": w}, "layers": {"frozen": frozen}}


@scenario
def custom_tf1_layer_with_add_variable(tf, kit, x1, x2):
    class Scale(tf.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_variable(
                "scale",
                [input_shape[-1], 4],
                initializer=tf.ones_initializer(),
                regularizer=kit.l2(0.5),
                partitioner=tf.fixed_size_partitioner(2),
            )
            self.offset = self.add_weight("offset", [4], trainable=False)

        def call(self, inputs):
            return kit.matmul(inputs, self.scale) + self.offset

    with tf.variable_scope("custom"):
        layer = Scale()
        y = layer(x1)
    return {"outputs": {"y": y}, "layers": {"scale": layer}}


@scenario
def keras_style_add_weight_partitioner(tf, kit, x1, x2):
    class Project(kit.KerasLayer):
        def build(self, input_shape):
            self.kernel = self.add_weight(
                "kernel",
                (input_shape[-1], 5),
                regularizer=kit.l2(0.5),
                partitioner=tf.fixed_size_partitioner(2),
            )

        def call(self, inputs):
            return kit.matmul(inputs, self.kernel)

    layer = Project(name="project")
    y = layer(x1)
    return {"outputs": {"y": y}, "layers": {"project": layer}}


@scenario
def constraints_per_shard_after_a_step(tf, kit, x1, x2):
    with tf.variable_scope("k", partitioner=tf.fixed_size_partitioner(2)):
        layer = tf.layers.Conv1D(
            4, 3, kernel_constraint=kit.max_norm(1.0), bias_constraint=kit.non_neg()
        )
        y = layer(x1)
    plain = tf.layers.Conv1D(2, 2, kernel_constraint=kit.max_norm(0.5))
    z = plain(x1)
    kit.sgd_step(kit.reduce_sum(y) + kit.reduce_sum(z), 0.5, [layer, plain])
    return {"outputs": {"y": y, "z": z}, "layers": {"conv": layer, "plain": plain}}
