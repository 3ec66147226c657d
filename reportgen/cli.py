"""Command line → one command function: parse arguments, set up logging, call it, print what it returns.

This is the only module that prints. Errors meant for the user (``ReportgenError``) become a message and an exit
status: 0 success, 1 content errors (or a form that cannot be rendered), 2 usage or environment errors. Anything
else is a bug: one line asking to re-run with ``--debug``, which shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reportgen import __version__
from reportgen.errors import ContentError, ReportgenError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on usage errors already; keep its wording, our status
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"reportgen: error: {message}\n")


def _color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def _print_problems(problems, *, fmt: str, lang: str, stream) -> None:
    from reportgen.commands.check import format_problems

    text = format_problems(problems, fmt=fmt, lang=lang, color=_color(stream) and fmt == "text")
    if text:
        print(text, file=stream)


def run_build(args: argparse.Namespace) -> int:
    from reportgen.commands.build import build

    report = build(args.root, args.paths or None, strict=args.strict)
    if report.warnings:
        _print_problems(list(report.warnings), fmt="text", lang=args.lang, stream=sys.stderr)
    for path in report.written:
        print(report.output_dir.name + "/" + path)
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from reportgen.commands.check import check

    problems = check(args.root, args.paths or None, strict=args.strict)
    _print_problems(problems, fmt=args.format, lang=args.lang, stream=sys.stdout)
    return EXIT_CONTENT if any(problem.severity == "error" for problem in problems) else EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    from reportgen.commands.schema import schema

    sys.stdout.write(schema("site" if args.site else "indicator"))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: the current one)")
    common.add_argument("--lang", choices=("th", "en"), default="th", help="language of messages (default: th)")
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    common.add_argument("-v", "--verbose", action="store_true", help="log what is being done")

    parser = _Parser(prog="reportgen", description="Official Thai KPI forms from YAML: PDF and HTML.")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    build = commands.add_parser("build", parents=[common], help="check content/ and build output/")
    build.add_argument("paths", nargs="*", type=Path, help="only these indicator files (default: all)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.set_defaults(handler=run_build)

    check = commands.add_parser("check", parents=[common], help="check content/ without writing anything")
    check.add_argument("paths", nargs="*", type=Path, help="only these files (default: all of content/)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    check.set_defaults(handler=run_check)

    schema = commands.add_parser("schema", parents=[common], help="print the JSON Schema of the content files")
    schema.add_argument("--site", action="store_true", help="the schema of content/site.yaml instead")
    schema.set_defaults(handler=run_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.debug:
        # WeasyPrint logs every unsupported CSS property at warning level; our own templates are tested.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        return args.handler(args)
    except ContentError as error:
        _print_problems(error.problems, fmt="text", lang=args.lang, stream=sys.stderr)
        return error.exit_code
    except ReportgenError as error:
        print(f"reportgen: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("reportgen: interrupted; output/ was left as it was", file=sys.stderr)
        return 130
    except Exception:
        if args.debug:
            raise
        print(
            "reportgen: internal error (a bug in reportgen, not in your files). "
            "Run the same command with --debug and report what it prints.",
            file=sys.stderr,
        )
        return EXIT_BUG
