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

from reportgen import __version__, wording
from reportgen.errors import ContentError, ReportgenError, UsageError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on usage errors already; keep its wording, our status
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"reportgen: error: {message}\n")


def _emit(text: str, *, file=None, flush: bool = False, styled: bool = False) -> None:
    """The one way reportgen prints: every line goes through ``terminal.for_terminal``, so no control character of
    a certificate's name, a path or a content value reaches the terminal (``styled``: keep our own colours)."""
    from reportgen.terminal import for_terminal

    print(for_terminal(str(text), styled=styled), file=file if file is not None else sys.stdout, flush=flush)


def _color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def _print_problems(problems, *, fmt: str, lang: str, stream) -> None:
    from reportgen.problems import format_problems
    from reportgen.terminal import clean_problem

    color = _color(stream) and fmt == "text"
    text = format_problems([clean_problem(problem) for problem in problems], fmt=fmt, lang=lang, color=color)
    if text:
        _emit(text, file=stream, styled=color)


def run_build(args: argparse.Namespace) -> int:
    from reportgen.build.options import BuildOptions
    from reportgen.commands.build import build
    from reportgen.progress import display_for

    report = build(
        args.root,
        args.paths or None,
        strict=args.strict,
        output_dir=args.output,
        options=BuildOptions(release=args.release, as_of=_as_of(args.as_of)),
        jobs=args.jobs,
        shard=args.shard,
        use_cache=not args.no_cache,
        progress=display_for(sys.stderr, quiet=args.quiet),  # progress and the summary line go to stderr
        strict_release=args.strict,
    )
    if report.warnings:
        _print_problems(list(report.warnings), fmt="text", lang=args.lang, stream=sys.stderr)
    if args.release:
        names = (": " + ", ".join(report.withheld)) if report.withheld else ""
        line = wording.message(
            "release_summary", args.lang, released=report.released, withheld=len(report.withheld), names=names
        )
        _emit(line, file=sys.stderr)
    if args.verbose:
        for path in report.written:
            _emit(report.output_dir.name + "/" + path)
    return EXIT_OK


def run_merge(args: argparse.Namespace) -> int:
    from reportgen.commands.merge import merge

    report = merge(args.root, args.shards, output_dir=args.output)
    if args.verbose:
        for path in report.written:
            _emit(report.output_dir.name + "/" + path)
    if not args.quiet:
        line = wording.message("merge_done", args.lang, shards=report.shards, forms=report.forms, folder=report.output_dir)
        _emit(line, file=sys.stderr)
    return EXIT_OK


def _quarter(text: str) -> int:
    from reportgen.status import parse_quarter

    try:
        return parse_quarter(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _as_of(text: str | None) -> int | None:
    """``--as-of`` of build and book, parsed one way (after ``--lang`` is known): a quarter, None for the whole year,
    or the catalog's usage error."""
    from reportgen.status import parse_quarter

    if text is None:
        return None
    try:
        return parse_quarter(text)
    except ValueError:
        raise UsageError("usage_as_of_quarter", given=repr(text)) from None


def _shard(text: str):
    from reportgen.commands.build import Shard

    try:
        return Shard.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _jobs(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"the number of processes is a whole number ≥ 1, not {text!r}")
    return int(text)


def run_check(args: argparse.Namespace) -> int:
    from reportgen.commands.check import check

    problems = check(args.root, args.paths or None, strict=args.strict, use_cache=not args.no_cache)
    _print_problems(problems, fmt=args.format, lang=args.lang, stream=sys.stdout)
    if args.format == "github":
        from reportgen.problems import write_github_summary

        write_github_summary(problems, args.lang, os.environ.get("GITHUB_STEP_SUMMARY"))
    return EXIT_CONTENT if any(problem.severity == "error" for problem in problems) else EXIT_OK


def run_book(args: argparse.Namespace) -> int:
    from reportgen.commands.book import book

    report = book(args.root, args.year, as_of=_as_of(args.as_of), strict=args.strict)
    if report.warnings:
        _print_problems(list(report.warnings), fmt="text", lang=args.lang, stream=sys.stderr)
    _emit(report.output_dir.name + "/" + report.path)
    return EXIT_OK


def run_signoff(args: argparse.Namespace) -> int:
    from reportgen.commands.signoff import signoff

    report = signoff(args.root, args.file, name=args.name, position=args.position, date=args.date)
    record = report.signoff
    _emit(wording.message(
        "signoff_replaced" if report.replaced else "signoff_recorded", args.lang, file=report.file,
        name=record.name, position=record.position, date=record.date.isoformat(), digest=record.digest,
    ))
    return EXIT_OK


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD (e.g. 2021-10-20)") from None


def run_sign(args: argparse.Namespace) -> int:
    from reportgen.commands.sign import sign
    from reportgen.signing import SigningError

    _quiet_pyhanko(args)
    try:
        report = sign(
            args.root, args.paths or None, key_path=args.key, key_env=args.key_env,
            password_env=args.password_env, timestamp_url=args.timestamp_url, force=args.force,
        )  # fmt: skip
    except SigningError as error:
        _emit(f"reportgen: {error.text(args.lang)}", file=sys.stderr)
        return error.exit_code
    from reportgen.terminal import one_line

    for file in report.files:
        also = "".join(f" (+ output/{one_line(copy)})" for copy in file.copies)
        _emit(wording.message("sign_done", args.lang, path=f"output/{one_line(file.path)}{also}",
                              signer=one_line(report.signer)))
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    from reportgen.commands.verify import format_verdicts, verify
    from reportgen.signing import SigningError

    _quiet_pyhanko(args)
    try:
        verdicts = verify(args.files, trust=args.trust)
    except SigningError as error:
        _emit(f"reportgen: {error.text(args.lang)}", file=sys.stderr)
        return error.exit_code
    _emit(format_verdicts(verdicts, fmt=args.format, lang=args.lang))
    return EXIT_OK if verdicts and all(verdict.ok for verdict in verdicts) else EXIT_CONTENT


def _quiet_pyhanko(args: argparse.Namespace) -> None:
    if not (args.debug or args.verbose):  # pyHanko logs an untrusted chain as a warning with a traceback
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


def run_serve(args: argparse.Namespace) -> int:
    from reportgen.commands.serve import serve
    from reportgen.preview.server import is_loopback

    def ready(url: str) -> None:
        _emit(url, flush=True)
        if not is_loopback(args.host):  # drafts on a network: say so every time, in the user's language
            warning, hint = wording.render("serve_exposed", {"host": args.host}, args.lang)
            _emit(f"reportgen serve: {warning} — {hint}", file=sys.stderr, flush=True)
        _emit(f"reportgen serve: {wording.label('serve_how_to_stop', args.lang)}", file=sys.stderr, flush=True)

    def built(outcome) -> None:
        if outcome.problems:
            _print_problems(list(outcome.problems), fmt="text", lang=args.lang, stream=sys.stderr)
        elif not outcome.ok:
            _emit(f"reportgen: {outcome.message}", file=sys.stderr)
        if outcome.ok:
            done = wording.message("serve_built_in", args.lang, seconds=f"{outcome.seconds:.1f}")
            _emit(f"reportgen serve: {done}", file=sys.stderr, flush=True)

    serve(args.root, host=args.host, port=args.port, lang=args.lang, on_ready=ready, on_build=built)
    return EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    import re

    from reportgen.commands.new import new_indicator, new_year
    from reportgen.errors import CatalogueError

    source_is_year = args.source is not None and re.fullmatch(r"\s*[0-9]{4}\s*", args.source)
    if args.code is None:
        if not source_is_year:
            raise CatalogueError("new_from_usage")
        _emit(new_year(args.root, args.year, int(args.source)).summary(args.lang))
        return EXIT_OK
    source = f"{args.source.strip()}/{args.code.strip()}" if source_is_year else args.source
    created = new_indicator(args.root, args.code, args.year, source=source)
    _emit(created.summary(args.lang))
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from reportgen.commands.status import quarter_status
    from reportgen.render.overview import format_overview

    overview = quarter_status(args.root, year=args.year, quarter=args.quarter)
    _emit(format_overview(overview, fmt=args.format, lang=args.lang))
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from reportgen.commands.import_form import import_form

    report = import_form(args.root, args.file, args.year, code=args.code)
    if report.warnings:
        _print_problems(list(report.warnings), fmt="text", lang=args.lang, stream=sys.stderr)
    _emit(report.summary(args.lang))
    return EXIT_OK


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
    build.add_argument("--as-of", metavar="QUARTER", help="as it stood at the end of q1, q2, q3 or q4")
    build.add_argument("--release", action="store_true", help="publish every form signed off and unchanged since; list the others"
                       " (with --strict: refuse unless every form of the newest year is)")
    build.add_argument("-j", "--jobs", type=_jobs, metavar="N", help="rendering processes (default: every core)")
    build.add_argument("--shard", type=_shard, metavar="K/N", help="only shard K of N of the indicators (for CI)")
    build.add_argument(
        "--no-cache", action="store_true", help="load every file and render every form; neither read nor fill the caches"
    )
    build.add_argument("-o", "--output", type=Path, metavar="DIR", help="build into DIR (default: output/)")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary, only problems")
    build.set_defaults(handler=run_build)

    merge = commands.add_parser("merge", parents=[common], help="assemble the outputs of build --shard into output/")
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD_OUTPUT", help="the output folder of each shard")
    merge.add_argument("-o", "--output", type=Path, metavar="DIR", help="merge into DIR (default: output/)")
    merge.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    merge.set_defaults(handler=run_merge)

    check = commands.add_parser("check", parents=[common], help="check content/ without building anything")
    check.add_argument("paths", nargs="*", type=Path, help="only these files (default: all of content/)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
    check.add_argument(
        "--no-cache", action="store_true", help="load every file; neither read nor fill the document cache"
    )
    check.set_defaults(handler=run_check)

    book = commands.add_parser(
        "book", parents=[common], help="one PDF of a fiscal year's forms: the department's report book"
    )
    book.add_argument("--year", type=int, help="Buddhist-Era fiscal year, e.g. 2564 (default: the newest)")
    book.add_argument(
        "--as-of", metavar="QUARTER",
        help="as it stood at the end of q1, q2, q3 or q4 (default: the whole year)",
    )
    book.add_argument("--strict", action="store_true", help="treat warnings as errors")
    book.set_defaults(handler=run_book)

    signoff = commands.add_parser(
        "signoff", parents=[common], help="record the responsible person's sign-off in an indicator file"
    )
    signoff.add_argument("file", type=Path, help="the indicator file, e.g. content/indicators/2564/08.yaml")
    signoff.add_argument("--name", required=True, help="the responsible person's full name, as printed on the form")
    signoff.add_argument("--position", required=True, help="their position (ตำแหน่ง)")
    signoff.add_argument("--date", type=_iso_date, help="the sign-off date, YYYY-MM-DD (default: today)")
    signoff.set_defaults(handler=run_signoff)

    sign = commands.add_parser("sign", parents=[common], help="sign release PDFs in output/ (PAdES, pyHanko)")
    sign.add_argument("paths", nargs="*", type=Path, help="PDFs under output/ (default: every output/pdf/**/*.pdf)")
    key = sign.add_mutually_exclusive_group(required=True)
    key.add_argument("--key", type=Path, metavar="FILE.p12", help="the signing key and certificate, PKCS#12")
    key.add_argument("--key-env", metavar="VAR", help="an environment variable holding the PKCS#12 file in base64")
    sign.add_argument("--password-env", metavar="VAR", help="an environment variable holding the key's password")
    sign.add_argument("--timestamp-url", metavar="URL", help="an RFC 3161 timestamp authority (PAdES B-T)")
    sign.add_argument("--force", action="store_true", help="add a signature to PDFs that are already signed")
    sign.set_defaults(handler=run_sign)

    verify = commands.add_parser("verify", parents=[common], help="check the signatures of PDF files")
    verify.add_argument("files", nargs="+", type=Path, help="PDF files, or folders of them")
    verify.add_argument("--trust", action="append", type=Path, default=[], metavar="CA.pem",
                        help="a trusted issuer certificate (PEM or DER); repeat for several")  # fmt: skip
    verify.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    verify.set_defaults(handler=run_verify)

    serve = commands.add_parser("serve", parents=[common], help="preview the web site, rebuilt on every edit")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on; 0 picks a free one (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer)")
    serve.set_defaults(handler=run_serve)

    new = commands.add_parser("new", parents=[common], help="write a new indicator file to fill in")
    new.add_argument("code", nargs="?", help="the indicator's code, e.g. 09 (leave out with --from YEAR: every one)")
    new.add_argument("--year", type=int, required=True, help="Buddhist-Era fiscal year, e.g. 2565")
    new.add_argument("--from", dest="source", metavar="YEAR[/CODE]",
                     help="start from that file, e.g. 2564/08; a year alone: every indicator of that year")
    new.set_defaults(handler=run_new)

    status = commands.add_parser(
        "status", parents=[common], help="the quarter overview: reported, missing, drafts, signed, per officer"
    )
    status.add_argument("--year", type=int, help="Buddhist-Era fiscal year (default: that of the last ended quarter)")
    status.add_argument("--quarter", type=_quarter, metavar="QUARTER", help="q1-q4 (default: the last ended one)")
    status.add_argument("--format", choices=("text", "csv", "json"), default="text", help="output format")
    status.set_defaults(handler=run_status)

    importer = commands.add_parser(
        "import", parents=[common], help="a form exported as text from the BMA system → a new indicator file"
    )
    importer.add_argument("file", type=Path, help="the exported text, e.g. kpi-08-form.txt")
    importer.add_argument("--year", type=int, required=True, help="Buddhist-Era fiscal year of the form, e.g. 2564")
    importer.add_argument("--code", help="the indicator's code, when the export does not give it")
    importer.set_defaults(handler=run_import)

    schema = commands.add_parser("schema", parents=[common], help="print the JSON Schema of the content files")
    schema.add_argument("--site", action="store_true", help="the schema of content/site.yaml instead")
    schema.set_defaults(handler=run_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous_language = wording.language()
    wording.set_language(args.lang)  # log lines and texts not handed a language read in the user's
    try:
        return _run(args)
    finally:
        wording.set_language(previous_language)  # main() may run again in the same process (the tests)


def _run(args: argparse.Namespace) -> int:
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
        text = getattr(error, "text", None)
        _emit(f"reportgen: {text(args.lang) if callable(text) else error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        _emit(f"reportgen: {wording.label('interrupted', args.lang)}", file=sys.stderr)
        return 130
    except Exception:
        if args.debug:
            raise
        _emit(f"reportgen: {wording.label('internal_error', args.lang)}", file=sys.stderr)
        return EXIT_BUG
