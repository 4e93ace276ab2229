"""``python -m convlayers convert MODEL OUT``: convert a Keras model file in one command.

MODEL is a tf-keras ``.h5`` model file or a ``.keras`` file (tf-keras or Keras 3); OUT's
suffix chooses what is written: ``.pt`` (a torch ``state_dict``), ``.onnx`` (checked with
onnxruntime against ``predict``) or ``.keras``/``.h5``. A bad path, a file of the wrong
kind or an unsupported layer prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .saving.conversion import convert

__all__ = ["main"]

_EPILOG = """examples:
  python -m convlayers convert model.h5 model.pt       # torch state_dict
  python -m convlayers convert model.keras model.onnx  # ONNX, checked with onnxruntime
  python -m convlayers convert model.h5 model.keras    # the other Keras format

Load a .pt file into the rebuilt model:
  model = convlayers.load_model("model.h5")
  model.load_state_dict(torch.load("model.pt", weights_only=True))
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m convlayers",
        description="Tools for Keras model files on PyTorch.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = commands.add_parser(
        "convert",
        help="convert a Keras .h5/.keras model to .pt, .onnx or the other Keras format",
        description=(
            "Read a Keras model file (tf-keras .h5, tf-keras or Keras 3 .keras) and write "
            "it as a torch state_dict (.pt/.pth), an ONNX model (.onnx, checked with "
            "onnxruntime against predict) or a Keras file (.keras/.h5), chosen by OUT's "
            "suffix. Nothing in the file is unpickled, evaluated or imported."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("model", metavar="MODEL", help="the .h5 or .keras file to read")
    command.add_argument("out", metavar="OUT", help="the file to write (.pt, .onnx, .keras, .h5)")
    command.add_argument(
        "--batch-size",
        type=int,
        default=1,
        help="the fixed batch size of an ONNX model (default: 1)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 on an error)."""
    args = _parser().parse_args(argv)
    if args.batch_size < 1:
        print(f"error: --batch-size must be >= 1. Received: {args.batch_size}", file=sys.stderr)
        return 2
    try:
        summary = convert(args.model, args.out, batch_size=args.batch_size, log=print)
    except (OSError, ValueError, ImportError) as error:
        message = " ".join(str(error).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
