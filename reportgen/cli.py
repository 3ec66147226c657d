"""Command line → one command function: parse arguments, set up logging, call it, print what it returns.

This is the only module that prints. Errors meant for the user (``ReportgenError``) become a message and an exit
status: 0 success, 1 content errors (or a form that cannot be rendered), 2 usage or environment errors. Anything
else is a bug: one line asking to re-run with ``--debug``, which shows the traceback.

Everything it prints is in the reader's language, Thai unless ``--lang en``, ``REPORTGEN_LANG`` or an English
locale say otherwise (``cli_language``): help and usage (argparse's own words too), argument errors with their fix,
progress and summary lines.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reportgen import __version__, wording
from reportgen.cli_language import HelpFormatter, argparse_speaking, resolve_lang
from reportgen.errors import NO_SPACE, ContentError, NoSpaceError, ReportgenError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, worded in ``lang``: an argument error ends with the fix, the choice meant when a choice is
    mistyped (``biuld`` → ``build``), else where to read what the command takes; an argument the command does not
    know is reported by that command, with its usage."""

    def __init__(self, *args, lang: str = "th", **kwargs):
        super().__init__(*args, formatter_class=HelpFormatter, **kwargs)
        self.lang = lang
        self.commands: dict[str, _Parser] = {}
        self._meant: str | None = None

    def _check_value(self, action: argparse.Action, value) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError:
            import difflib

            close = difflib.get_close_matches(str(value), [str(choice) for choice in action.choices or ()], n=1)
            self._meant = close[0] if close else None
            raise

    def parse_args(self, args=None, namespace=None):
        parsed, unknown = self.parse_known_args(args, namespace)
        if unknown:
            parser = self.commands.get(getattr(parsed, "command", None) or "", self)
            parser.error(wording.message("argparse_unrecognized", self.lang) % " ".join(unknown))
        return parsed

    def error(self, message: str):  # argparse exits 2 on usage errors already; our wording, our status
        self.print_usage(sys.stderr)
        code = "cli_argument_error_meant" if self._meant else "cli_argument_error"
        self.exit(EXIT_USAGE, wording.with_hint(code, self.lang, prog=self.prog, message=message, meant=self._meant) + "\n")


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
        options=BuildOptions(release=args.release, as_of=args.as_of),
        jobs=args.jobs,
        shard=args.shard,
        use_cache=not args.no_cache,
        progress=display_for(sys.stderr, quiet=args.quiet, lang=args.lang),  # progress and summary: to stderr
        strict_release=args.strict,
    )
    if report.warnings:
        _print_problems(list(report.warnings), fmt="text", lang=args.lang, stream=sys.stderr)
    if report.broken and not args.release:  # a release lists them among the forms it left out
        _print_problems([problem for form in report.broken for problem in form.problems], fmt="text",
                        lang=args.lang, stream=sys.stderr)  # fmt: skip
        names = ", ".join(form.slug or str(form.source) for form in report.broken)
        _emit(wording.with_hint("build_broken_summary", args.lang, count=len(report.broken), names=names),
              file=sys.stderr)  # fmt: skip
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


def _arabic_digits(text: str) -> str:
    """``๒๕๖๔`` → ``2564``: an officer may type Thai digits."""
    from reportgen.thai import THAI_DIGITS

    return text.translate(str.maketrans(THAI_DIGITS, "0123456789"))


class _ArgumentTypes:
    """The argument types of the command line; a value they refuse is said in the reader's language, with what to
    type instead (argparse prefixes the option: ``--date: …``)."""

    def __init__(self, lang: str):
        self.lang = lang

    def _refuse(self, code: str, **params: object) -> argparse.ArgumentTypeError:
        return argparse.ArgumentTypeError(wording.message(code, self.lang, **params))

    def quarter(self, text: str) -> int:
        from reportgen.status import parse_quarter

        try:
            return parse_quarter(_arabic_digits(text))
        except ValueError:
            raise self._refuse("cli_not_a_quarter", text=text) from None

    def shard(self, text: str):
        from reportgen.build.pipeline import Shard

        try:
            return Shard.parse(text)
        except ValueError:
            raise self._refuse("cli_not_a_shard", text=text) from None

    def jobs(self, text: str) -> int:
        if not text.strip().isdigit() or int(text) < 1:
            raise self._refuse("cli_not_a_process_count", text=text)
        return int(text)

    def keep(self, text: str) -> int:
        digits = _arabic_digits(text).strip()
        if not (digits.isascii() and digits.isdigit()) or int(digits) < 2:
            raise self._refuse("cli_not_a_keep_count", text=text)
        return int(digits)

    def year(self, text: str) -> int:
        digits = _arabic_digits(text).strip()
        if not (digits.isascii() and digits.isdigit()):
            raise self._refuse("cli_not_a_year", text=text)
        return int(digits)  # the command refuses a year out of range, naming the Buddhist-Era one for a CE year

    def port(self, text: str) -> int:
        digits = text.strip()
        if not (digits.isascii() and digits.isdigit() and int(digits) <= 65535):
            raise self._refuse("cli_not_a_port", text=text)
        return int(digits)

    def date(self, text: str):
        """Every date argument: ISO, or a Thai date (``20/10/2569``, ``20 ต.ค. 2569``); see ``reportgen.dates``."""
        from reportgen.dates import DateRefused, parse_date

        try:
            return parse_date(text)
        except DateRefused as refused:
            raise argparse.ArgumentTypeError(refused.message(self.lang)) from None


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

    report = book(args.root, args.year, as_of=args.as_of, strict=args.strict)
    if report.warnings:
        _print_problems(list(report.warnings), fmt="text", lang=args.lang, stream=sys.stderr)
    _emit(report.output_dir.name + "/" + report.path)
    return EXIT_OK


def run_signoff(args: argparse.Namespace) -> int:
    from reportgen.commands.signoff import signoff
    from reportgen.thai import thai_date

    report = signoff(
        args.root, args.file, name=args.name, position=args.position, date=args.date,
        accept_warnings=args.accept_warnings,
    )  # fmt: skip
    if report.accepted:  # shown, and said to be accepted: the signer read them before signing
        _print_problems(list(report.accepted), fmt="text", lang=args.lang, stream=sys.stderr)
        _emit(wording.message("signoff_warnings_accepted", args.lang, count=len(report.accepted)), file=sys.stderr)
    record = report.signoff
    date = wording.Localized(thai_date(record.date), record.date.isoformat())
    _emit(wording.message(
        "signoff_replaced" if report.replaced else "signoff_recorded", args.lang, file=report.file,
        name=record.name, position=record.position, date=date, digest=record.digest,
    ))
    return EXIT_OK


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
            status = "serve_status_shared" if args.share_status else "serve_status_kept_local"
            _emit(f"reportgen serve: {wording.label(status, args.lang)}", file=sys.stderr, flush=True)
        _emit(f"reportgen serve: {wording.label('serve_how_to_stop', args.lang)}", file=sys.stderr, flush=True)

    def built(outcome) -> None:
        if outcome.problems:
            _print_problems(list(outcome.problems), fmt="text", lang=args.lang, stream=sys.stderr)
        elif not outcome.ok:
            _emit(f"reportgen: {outcome.message}", file=sys.stderr)
        if outcome.ok:
            done = wording.message("serve_built_in", args.lang, seconds=f"{outcome.seconds:.1f}")
            _emit(f"reportgen serve: {done}", file=sys.stderr, flush=True)

    serve(args.root, host=args.host, port=args.port, lang=args.lang, on_ready=ready, on_build=built,
          share_status=args.share_status)
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


def run_publish(args: argparse.Namespace) -> int:
    from reportgen.commands.publish import publish_site

    report = publish_site(args.root, args.to, output=args.output, keep=args.keep, rsh=args.rsh,
                          roll_back=args.rollback, release=args.release, list_only=args.list)  # fmt: skip
    if args.list:
        for name in report.kept:
            _emit(("* " if name == report.current else "  ") + name)
        return EXIT_OK
    if report.adopted:
        _emit(wording.message("publish_adopted", args.lang, target=report.target, release=report.adopted))
    key = "publish_switched" if args.rollback or args.release else "publish_done"
    _emit(wording.with_hint(key, args.lang, target=report.target, release=report.current,
                          previous=report.previous or "–", kept=len(report.kept), removed=len(report.removed)))  # fmt: skip
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


def build_parser(lang: str = "th") -> argparse.ArgumentParser:
    """The command line's parser, its help worded in ``lang`` (argparse's own words too: build and use it inside
    ``cli_language.argparse_speaking(lang)``, as ``main`` does); ``--lang`` defaults to ``lang``."""

    def say(code: str) -> str:
        return wording.message(code, lang)

    types = _ArgumentTypes(lang)
    parser_class = functools.partial(_Parser, lang=lang)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root", type=Path, default=Path.cwd(), metavar=say("cli_metavar_folder"), help=say("cli_opt_root")
    )
    common.add_argument("--lang", choices=("th", "en"), default=lang, help=say("cli_opt_lang"))
    common.add_argument("--debug", action="store_true", help=say("cli_opt_debug"))
    common.add_argument("-v", "--verbose", action="store_true", help=say("cli_opt_verbose"))
    files, folder, quarter, year = (say(f"cli_metavar_{name}") for name in ("files", "folder", "quarter", "year"))

    parser = parser_class(prog="reportgen", description=say("cli_description"), epilog=say("cli_epilog"))
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}", help=say("argparse_version"))
    parser.add_argument("--lang", choices=("th", "en"), default=lang, help=say("cli_opt_lang"))  # also before COMMAND
    commands = parser.add_subparsers(
        dest="command", required=True, metavar=say("cli_metavar_command"), parser_class=parser_class
    )

    def command(name: str) -> argparse.ArgumentParser:
        summary = say(f"cli_cmd_{name}")
        parser.commands[name] = commands.add_parser(name, parents=[common], help=summary, description=summary)
        return parser.commands[name]

    build = command("build")
    build.add_argument("paths", nargs="*", type=Path, metavar=files, help=say("cli_build_paths"))
    build.add_argument("--strict", action="store_true", help=say("cli_opt_strict"))
    build.add_argument("--as-of", type=types.quarter, metavar=quarter, help=say("cli_opt_quarter_as_of"))
    build.add_argument("--release", action="store_true", help=say("cli_build_release"))
    build.add_argument("-j", "--jobs", type=types.jobs, metavar="N", help=say("cli_build_jobs"))
    build.add_argument("--shard", type=types.shard, metavar="K/N", help=say("cli_build_shard"))
    build.add_argument("--no-cache", action="store_true", help=say("cli_build_no_cache"))
    build.add_argument("-o", "--output", type=Path, metavar=folder, help=say("cli_build_output"))
    build.add_argument("-q", "--quiet", action="store_true", help=say("cli_build_quiet"))
    build.set_defaults(handler=run_build)

    merge = command("merge")
    merge.add_argument(
        "shards", nargs="+", type=Path, metavar=say("cli_metavar_shard_output"), help=say("cli_merge_shards")
    )
    merge.add_argument("-o", "--output", type=Path, metavar=folder, help=say("cli_merge_output"))
    merge.add_argument("-q", "--quiet", action="store_true", help=say("cli_merge_quiet"))
    merge.set_defaults(handler=run_merge)

    publish = command("publish")
    publish.add_argument("--to", required=True, metavar=say("cli_metavar_target"), help=say("cli_publish_to"))
    publish.add_argument("--keep", type=types.keep, default=5, metavar="N", help=say("cli_publish_keep"))
    publish.add_argument("--rsh", metavar=say("cli_metavar_command"), help=say("cli_publish_rsh"))
    publish.add_argument("-o", "--output", type=Path, metavar=folder, help=say("cli_publish_output"))
    switch = publish.add_mutually_exclusive_group()
    switch.add_argument("--rollback", action="store_true", help=say("cli_publish_rollback"))
    switch.add_argument("--release", metavar=say("cli_metavar_release"), help=say("cli_publish_release"))
    switch.add_argument("--list", action="store_true", help=say("cli_publish_list"))
    publish.set_defaults(handler=run_publish)

    check = command("check")
    check.add_argument("paths", nargs="*", type=Path, metavar=files, help=say("cli_check_paths"))
    check.add_argument("--strict", action="store_true", help=say("cli_opt_strict"))
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help=say("cli_opt_format"))
    check.add_argument("--no-cache", action="store_true", help=say("cli_check_no_cache"))
    check.set_defaults(handler=run_check)

    book = command("book")
    book.add_argument("--year", type=types.year, metavar=year, help=say("cli_book_year"))
    book.add_argument("--as-of", type=types.quarter, metavar=quarter, help=say("cli_book_as_of"))
    book.add_argument("--strict", action="store_true", help=say("cli_opt_strict"))
    book.set_defaults(handler=run_book)

    signoff = command("signoff")
    signoff.add_argument("file", type=Path, metavar=say("cli_metavar_files"), help=say("cli_signoff_file"))
    signoff.add_argument("--name", required=True, metavar=say("cli_metavar_name"), help=say("cli_signoff_name"))
    signoff.add_argument(
        "--position", required=True, metavar=say("cli_metavar_position"), help=say("cli_signoff_position")
    )
    signoff.add_argument("--date", type=types.date, metavar=say("cli_metavar_date"), help=say("cli_signoff_date"))
    signoff.add_argument("--accept-warnings", action="store_true", help=say("cli_signoff_accept_warnings"))
    signoff.set_defaults(handler=run_signoff)

    sign = command("sign")
    sign.add_argument("paths", nargs="*", type=Path, metavar=files, help=say("cli_sign_paths"))
    key = sign.add_mutually_exclusive_group(required=True)
    key.add_argument("--key", type=Path, metavar="FILE.p12", help=say("cli_sign_key"))
    key.add_argument("--key-env", metavar="VAR", help=say("cli_sign_key_env"))
    sign.add_argument("--password-env", metavar="VAR", help=say("cli_sign_password_env"))
    sign.add_argument("--timestamp-url", metavar="URL", help=say("cli_sign_timestamp_url"))
    sign.add_argument("--force", action="store_true", help=say("cli_sign_force"))
    sign.set_defaults(handler=run_sign)

    verify = command("verify")
    verify.add_argument("files", nargs="+", type=Path, metavar=files, help=say("cli_verify_files"))
    verify.add_argument(
        "--trust", action="append", type=Path, default=[], metavar="CA.pem", help=say("cli_verify_trust")
    )
    verify.add_argument("--format", choices=("text", "json"), default="text", help=say("cli_opt_format"))
    verify.set_defaults(handler=run_verify)

    serve = command("serve")
    serve.add_argument("--port", type=types.port, default=8000, metavar="PORT", help=say("cli_serve_port"))
    serve.add_argument("--host", default="127.0.0.1", metavar="HOST", help=say("cli_serve_host"))
    serve.add_argument("--share-status", action="store_true", help=say("cli_serve_share_status"))
    serve.set_defaults(handler=run_serve)

    new = command("new")
    new.add_argument("code", nargs="?", metavar=say("cli_metavar_code"), help=say("cli_new_code"))
    new.add_argument("--year", type=types.year, required=True, metavar=year, help=say("cli_new_year"))
    new.add_argument("--from", dest="source", metavar=say("cli_metavar_source"), help=say("cli_new_from"))
    new.set_defaults(handler=run_new)

    status = command("status")
    status.add_argument("--year", type=types.year, metavar=year, help=say("cli_status_year"))
    status.add_argument("--quarter", type=types.quarter, metavar=quarter, help=say("cli_status_quarter"))
    status.add_argument("--format", choices=("text", "csv", "json"), default="text", help=say("cli_opt_format"))
    status.set_defaults(handler=run_status)

    importer = command("import")
    importer.add_argument("file", type=Path, metavar=say("cli_metavar_files"), help=say("cli_import_file"))
    importer.add_argument("--year", type=types.year, required=True, metavar=year, help=say("cli_import_year"))
    importer.add_argument("--code", metavar=say("cli_metavar_code"), help=say("cli_import_code"))
    importer.set_defaults(handler=run_import)

    schema = command("schema")
    schema.add_argument("--site", action="store_true", help=say("cli_schema_site"))
    schema.set_defaults(handler=run_schema)
    return parser


def parse_arguments(argv: Sequence[str] | None = None, lang: str | None = None) -> argparse.Namespace:
    """``argv`` → the parsed arguments, help and argument errors worded in ``lang``, by default the language of this
    run: ``--lang`` wherever it stands, else ``REPORTGEN_LANG``, else the locale, else Thai
    (``cli_language.resolve_lang``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = lang or resolve_lang(argv)
    with argparse_speaking(lang):
        return build_parser(lang).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Decide the language of the run (``cli_language.resolve_lang``: ``--lang`` > ``REPORTGEN_LANG`` > the locale >
    Thai), set it for every text of the run (``wording.set_language``: log lines, errors, argparse's words), then
    parse the arguments and run the command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    previous_language = wording.language()
    lang = resolve_lang(argv)
    wording.set_language(lang)  # log lines and texts not handed a language read in the user's
    try:
        return _run(parse_arguments(argv, lang))
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
    except Exception as error:
        if isinstance(error, OSError) and error.errno in NO_SPACE and not args.debug:
            return _no_room(error, args.lang)  # a full disk where no message names the file: no bug either
        if args.debug:
            raise
        _emit(f"reportgen: {wording.label('internal_error', args.lang)}", file=sys.stderr)
        return EXIT_BUG


def _no_room(error: OSError, lang: str) -> int:
    """A write that failed for lack of room (a full disk, a file-size limit), said in the reader's words with what
    could not be written (the file, when the error names it; else the temporary folder where it most likely was)."""
    import tempfile

    what = error.filename or wording.localized("what_unnamed_file", folder=tempfile.gettempdir())
    no_room = NoSpaceError.of(error, what)
    _emit(f"reportgen: {no_room.text(lang)}", file=sys.stderr)
    return no_room.exit_code
