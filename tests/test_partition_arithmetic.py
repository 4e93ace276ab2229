"""Partition arithmetic against TensorFlow's partitioners and shard slicing
(``tests/fixtures/compat_v1_partitions.json``, 240 shapes and dtypes), torch-free."""

import json

import pytest
from fixture_loader import FIXTURES

from convlayers.partition_arithmetic import (
    axis_size_partitions,
    check_partitions,
    fixed_size_partitions,
    min_max_partitions,
    shard_slices,
)

CASES = json.loads((FIXTURES / "compat_v1_partitions.json").read_text())["cases"]
SIZES = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2, "int32": 4, "int64": 8}


def _partitions(case):
    shape, args, size = case["shape"], case["args"], SIZES[case["dtype"]]
    if case["partitioner"] == "fixed":
        return fixed_size_partitions(shape, **args)
    if case["partitioner"] == "axis_size":
        return axis_size_partitions(shape, size, **args)
    return min_max_partitions(shape, size, **args)


def test_the_grid_covers_every_partitioner_and_uneven_splits():
    assert {c["partitioner"] for c in CASES} == {"fixed", "axis_size", "min_max"}
    uneven = [c for c in CASES if len({tuple(s) for _, s in c["slices"]}) > 1]
    assert len(CASES) == 240 and len(uneven) > 40


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['partitioner']}-{c['shape']}")
def test_partitions_and_shards_as_tensorflow(case):
    partitions = check_partitions(_partitions(case), case["shape"])
    assert partitions == case["partitions"]
    slices = [
        [list(offset), list(shard)] for offset, shard in shard_slices(case["shape"], partitions)
    ]
    assert slices == case["slices"]


def test_the_first_shards_take_the_remainder():
    assert [s for _, s in shard_slices((10, 2), [4, 1])] == [(3, 2), (3, 2), (2, 2), (2, 2)]


@pytest.mark.parametrize(
    ("partitions", "message"),
    [
        ("ab", "Partitioner must return a sequence"),
        ([2], "does not match the Variable's rank"),
        ([0, 1], "zero partitions for some axes"),
        ([2, 2], "Can only slice a variable along one dimension"),
    ],
)
def test_bad_partitioner_answers_are_refused_as_tensorflow(partitions, message):
    with pytest.raises(ValueError, match=message):
        check_partitions(partitions, (4, 4))


def test_an_axis_beyond_the_rank_is_a_value_error():
    with pytest.raises(ValueError, match="Cannot partition variable along axis 2 when shape"):
        fixed_size_partitions((4,), 2, axis=2)


def test_the_arithmetic_imports_no_torch():
    import ast
    import inspect

    import convlayers.partition_arithmetic as module

    tree = ast.parse(inspect.getsource(module))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"__future__", "math", "collections.abc"}
