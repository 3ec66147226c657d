"""Command line → one command's ``run``: parse arguments, set up logging, call it, print the ``Outcome`` it returns.

This is the only module that prints: each command (``commands/``) decides what its reader is shown, in order, and
returns it; this module lays problems out (in colour on a terminal) and prints every line through
``terminal.for_terminal``. Errors meant for the user (``ReportgenError``) become a message and an exit
status: 0 success, 1 content errors (or a form that cannot be rendered), 2 usage or environment errors. Anything
else is a bug: one line asking to re-run with ``--debug``, which shows the traceback.

Everything it prints is in the reader's language, Thai unless ``--lang en``, ``REPORTGEN_LANG`` or an English
locale say otherwise (``cli_language``): help and usage (argparse's own words too), argument errors with their fix,
progress and summary lines.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportgen import __version__, wording
from reportgen.cli_language import HelpFormatter, argparse_speaking, resolve_lang
from reportgen.commands import EXIT_OK, Outcome, Problems, Shown
from reportgen.errors import NO_SPACE, ContentError, NoSpaceError, ReportgenError

EXIT_USAGE, EXIT_BUG = 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, worded in ``lang``: an argument error ends with the fix, the choice meant when a choice is
    mistyped (``biuld`` → ``build``), else where to read what the command takes; an argument the command does not
    know is reported by that command, with its usage."""

    def __init__(self, *args: Any, lang: str = "th", **kwargs: Any):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
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


def _emit(text: str, *, file=None, flush: bool = False, styled: bool = False, end: str = "\n") -> None:
    """The one way reportgen prints: every line goes through ``terminal.for_terminal``, so no control character of
    a certificate's name, a path or a content value reaches the terminal (``styled``: keep our own colours)."""
    from reportgen.terminal import for_terminal

    print(for_terminal(str(text), styled=styled), file=file if file is not None else sys.stdout, flush=flush, end=end)


def _color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def _print_problems(problems, *, fmt: str, lang: str, stream) -> None:
    from reportgen.problems import clean_problem, format_problems

    color = _color(stream) and fmt == "text"
    text = format_problems([clean_problem(problem) for problem in problems], fmt=fmt, lang=lang, color=color)
    if text:
        _emit(text, file=stream, styled=color)


def _show(outcome: Outcome, lang: str) -> int:
    """Print what a command's run shows, in order; its exit status."""
    for item in outcome.shown:
        _show_one(item, lang)
    return outcome.exit_code


def _show_one(item: Shown, lang: str) -> None:
    stream = sys.stderr if item.to_stderr else sys.stdout
    if isinstance(item, Problems):
        _print_problems(item.problems, fmt=item.fmt, lang=lang, stream=stream)
    else:
        _emit(item.text, file=stream, flush=item.flush, end=item.end)


def run_build(args: argparse.Namespace) -> int:
    from reportgen.commands import build
    from reportgen.progress import display_for
    from reportgen.publish.options import BuildOptions, BuildRequest

    request = BuildRequest(
        paths=tuple(args.paths),
        options=BuildOptions(release=args.release, as_of=args.as_of),
        strict=args.strict,
        output_dir=args.output,
        jobs=args.jobs,
        shard=args.shard,
        use_cache=not args.no_cache,
        progress=display_for(sys.stderr, quiet=args.quiet, lang=args.lang),  # progress and summary: to stderr
    )
    return _show(build.run(args.root, request, lang=args.lang, verbose=args.verbose), args.lang)


def run_merge(args: argparse.Namespace) -> int:
    from reportgen.commands import merge

    outcome = merge.run(args.root, args.shards, output_dir=args.output, lang=args.lang, verbose=args.verbose,
                        quiet=args.quiet)  # fmt: skip
    return _show(outcome, args.lang)


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
        from reportgen.standing import parse_quarter

        try:
            return parse_quarter(_arabic_digits(text))
        except ValueError:
            raise self._refuse("cli_not_a_quarter", text=text) from None

    def shard(self, text: str):
        from reportgen.publish.options import Shard

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
    from reportgen.commands import check

    outcome = check.run(
        args.root, args.paths, strict=args.strict, use_cache=not args.no_cache, fmt=args.format, lang=args.lang,
        summary_file=os.environ.get("GITHUB_STEP_SUMMARY"),
    )  # fmt: skip
    return _show(outcome, args.lang)


def run_book(args: argparse.Namespace) -> int:
    from reportgen.commands import book

    return _show(book.run(args.root, args.year, as_of=args.as_of, strict=args.strict), args.lang)


def run_fmt(args: argparse.Namespace) -> int:
    from reportgen.commands import fmt

    return _show(fmt.run(args.root, args.paths, check=args.check, lang=args.lang), args.lang)


def run_signoff(args: argparse.Namespace) -> int:
    from reportgen.commands import signoff

    outcome = signoff.run(
        args.root, args.file, name=args.name, position=args.position, date=args.date,
        accept_warnings=args.accept_warnings, lang=args.lang,
    )  # fmt: skip
    return _show(outcome, args.lang)


def run_sign(args: argparse.Namespace) -> int:
    from reportgen.commands import sign

    _quiet_pyhanko(args)
    outcome = sign.run(
        args.root, args.paths, key_path=args.key, key_env=args.key_env, password_env=args.password_env,
        timestamp_url=args.timestamp_url, force=args.force, lang=args.lang,
    )  # fmt: skip
    return _show(outcome, args.lang)


def run_verify(args: argparse.Namespace) -> int:
    from reportgen.commands import verify

    _quiet_pyhanko(args)
    return _show(verify.run(args.files, trust=args.trust, fmt=args.format, lang=args.lang), args.lang)


def _quiet_pyhanko(args: argparse.Namespace) -> None:
    if not (args.debug or args.verbose):  # pyHanko logs an untrusted chain as a warning with a traceback
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


def run_serve(args: argparse.Namespace) -> int:
    from reportgen.commands import serve

    serve.run(args.root, host=args.host, port=args.port, share_status=args.share_status, lang=args.lang,
              show=lambda item: _show_one(item, args.lang))  # fmt: skip
    return EXIT_OK


def run_desk(args: argparse.Namespace) -> int:
    from reportgen.commands import desk
    from reportgen.desk.auth import AuthSettings

    auth = AuthSettings(accounts_file=args.accounts, proxy_header=args.proxy_header,
                        proxy_addresses=tuple(args.proxy_address), https=args.https)  # fmt: skip
    desk.run(args.root, host=args.host, port=args.port, lang=args.lang, show=lambda item: _show_one(item, args.lang),
             auth=auth)  # fmt: skip
    return EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    from reportgen.commands import new

    return _show(new.run(args.root, args.code, year=args.year, source=args.source, lang=args.lang), args.lang)


def run_publish(args: argparse.Namespace) -> int:
    from reportgen.commands import publish

    outcome = publish.run(
        args.root, args.to, output=args.output, keep=args.keep, rsh=args.rsh, roll_back=args.rollback,
        release=args.release, list_only=args.list, lang=args.lang,
    )  # fmt: skip
    return _show(outcome, args.lang)


def run_status(args: argparse.Namespace) -> int:
    from reportgen.commands import status

    outcome = status.run(args.root, year=args.year, quarter=args.quarter, fmt=args.format, lang=args.lang)
    return _show(outcome, args.lang)


def run_import(args: argparse.Namespace) -> int:
    from reportgen.commands import import_form

    return _show(import_form.run(args.root, args.file, args.year, code=args.code, lang=args.lang), args.lang)


def run_schema(args: argparse.Namespace) -> int:
    from reportgen.commands import schema

    return _show(schema.run(site=args.site), args.lang)


def run_desk_user(args: argparse.Namespace) -> int:
    from reportgen.commands import desk_user

    outcome = desk_user.run(
        args.root, args.user_action, login=getattr(args, "login", None), name=getattr(args, "name", None),
        position=getattr(args, "position", None), email=getattr(args, "email", None), roles=getattr(args, "roles", ()),
        password=getattr(args, "password", False), no_password=getattr(args, "no_password", False),
        store_path=args.accounts, lang=args.lang,
    )  # fmt: skip
    return _show(outcome, args.lang)


def _add_desk_user_commands(desk: argparse.ArgumentParser, common: argparse.ArgumentParser, say: Any) -> None:
    """``reportgen desk user add|set|remove|list``: the desk's accounts (``commands/desk_user.py``)."""
    desk_commands = desk.add_subparsers(dest="desk_command", metavar=say("cli_metavar_desk_command"))
    user = desk_commands.add_parser("user", help=say("cli_cmd_desk_user"), description=say("cli_cmd_desk_user"))
    actions = user.add_subparsers(dest="user_action", required=True, metavar=say("cli_metavar_desk_user_action"))
    roles = [role.value for role in _desk_roles()]

    summaries = {"add": "cli_desk_user_add", "set": "cli_desk_user_set", "remove": "cli_desk_user_remove",
                  "list": "cli_desk_user_list"}  # fmt: skip

    def action(name: str) -> argparse.ArgumentParser:
        summary = say(summaries[name])
        parser = actions.add_parser(name, parents=[common], help=summary, description=summary)
        parser.add_argument("--accounts", type=Path, metavar="FILE", help=say("cli_desk_user_accounts"))
        parser.set_defaults(handler=run_desk_user)
        if name != "list":
            parser.add_argument("login", metavar="LOGIN", help=say("cli_desk_user_login"))
        return parser

    for name in ("add", "set"):
        parser = action(name)
        needed = name == "add"
        parser.add_argument("--name", required=needed, metavar=say("cli_metavar_name"), help=say("cli_desk_user_name"))
        parser.add_argument("--position", required=needed, metavar=say("cli_metavar_position"),
                            help=say("cli_desk_user_position"))  # fmt: skip
        parser.add_argument("--email", metavar="EMAIL", help=say("cli_desk_user_email"))
        parser.add_argument("--role", dest="roles", action="append", choices=roles, required=needed, default=[],
                            help=say("cli_desk_user_role"))  # fmt: skip
        parser.add_argument("--no-password", action="store_true", help=say("cli_desk_user_no_password"))
        if name == "set":
            parser.add_argument("--password", action="store_true", help=say("cli_desk_user_password"))
    action("remove")
    action("list")


def _desk_roles() -> list[Any]:
    from reportgen.desk.identity import Role

    return list(Role)


def build_parser(lang: str = "th") -> argparse.ArgumentParser:
    """The command line's parser, its help worded in ``lang`` (argparse's own words too: build and use it inside
    ``cli_language.argparse_speaking(lang)``, as ``main`` does); ``--lang`` defaults to ``lang``."""

    def say(code: str) -> str:
        return wording.message(code, lang)

    types = _ArgumentTypes(lang)

    class Parser(_Parser):  # argparse makes each command's parser with the class it is given: worded in lang too
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, lang=lang, **kwargs)

    parser_class = Parser
    common = parser_class(add_help=False)  # its arguments are every command's
    common.add_argument(
        "--root", type=Path, default=Path.cwd(), metavar=say("cli_metavar_folder"), help=say("cli_opt_root")
    )
    common.add_argument("--lang", choices=("th", "en"), default=lang, help=say("cli_opt_lang"))
    common.add_argument("--debug", action="store_true", help=say("cli_opt_debug"))
    common.add_argument("-v", "--verbose", action="store_true", help=say("cli_opt_verbose"))
    files, folder = say("cli_metavar_files"), say("cli_metavar_folder")
    quarter, year = say("cli_metavar_quarter"), say("cli_metavar_year")

    parser = parser_class(prog="reportgen", description=say("cli_description"), epilog=say("cli_epilog"))
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}", help=say("argparse_version"))
    parser.add_argument("--lang", choices=("th", "en"), default=lang, help=say("cli_opt_lang"))  # also before COMMAND
    commands = parser.add_subparsers(
        dest="command", required=True, metavar=say("cli_metavar_command"), parser_class=parser_class
    )

    def command(name: str, summary_key: str) -> argparse.ArgumentParser:
        summary = say(summary_key)
        parser.commands[name] = commands.add_parser(name, parents=[common], help=summary, description=summary)
        return parser.commands[name]

    build = command("build", "cli_cmd_build")
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

    merge = command("merge", "cli_cmd_merge")
    merge.add_argument(
        "shards", nargs="+", type=Path, metavar=say("cli_metavar_shard_output"), help=say("cli_merge_shards")
    )
    merge.add_argument("-o", "--output", type=Path, metavar=folder, help=say("cli_merge_output"))
    merge.add_argument("-q", "--quiet", action="store_true", help=say("cli_merge_quiet"))
    merge.set_defaults(handler=run_merge)

    publish = command("publish", "cli_cmd_publish")
    publish.add_argument("--to", required=True, metavar=say("cli_metavar_target"), help=say("cli_publish_to"))
    publish.add_argument("--keep", type=types.keep, default=5, metavar="N", help=say("cli_publish_keep"))
    publish.add_argument("--rsh", metavar=say("cli_metavar_command"), help=say("cli_publish_rsh"))
    publish.add_argument("-o", "--output", type=Path, metavar=folder, help=say("cli_publish_output"))
    switch = publish.add_mutually_exclusive_group()
    switch.add_argument("--rollback", action="store_true", help=say("cli_publish_rollback"))
    switch.add_argument("--release", metavar=say("cli_metavar_release"), help=say("cli_publish_release"))
    switch.add_argument("--list", action="store_true", help=say("cli_publish_list"))
    publish.set_defaults(handler=run_publish)

    check = command("check", "cli_cmd_check")
    check.add_argument("paths", nargs="*", type=Path, metavar=files, help=say("cli_check_paths"))
    check.add_argument("--strict", action="store_true", help=say("cli_opt_strict"))
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help=say("cli_opt_format"))
    check.add_argument("--no-cache", action="store_true", help=say("cli_check_no_cache"))
    check.set_defaults(handler=run_check)

    book = command("book", "cli_cmd_book")
    book.add_argument("--year", type=types.year, metavar=year, help=say("cli_book_year"))
    book.add_argument("--as-of", type=types.quarter, metavar=quarter, help=say("cli_book_as_of"))
    book.add_argument("--strict", action="store_true", help=say("cli_opt_strict"))
    book.set_defaults(handler=run_book)

    formatter = command("fmt", "cli_cmd_fmt")
    formatter.add_argument("paths", nargs="*", type=Path, metavar=files, help=say("cli_fmt_paths"))
    formatter.add_argument("--check", action="store_true", help=say("cli_fmt_check"))
    formatter.set_defaults(handler=run_fmt)

    signoff = command("signoff", "cli_cmd_signoff")
    signoff.add_argument("file", type=Path, metavar=say("cli_metavar_files"), help=say("cli_signoff_file"))
    signoff.add_argument("--name", required=True, metavar=say("cli_metavar_name"), help=say("cli_signoff_name"))
    signoff.add_argument(
        "--position", required=True, metavar=say("cli_metavar_position"), help=say("cli_signoff_position")
    )
    signoff.add_argument("--date", type=types.date, metavar=say("cli_metavar_date"), help=say("cli_signoff_date"))
    signoff.add_argument("--accept-warnings", action="store_true", help=say("cli_signoff_accept_warnings"))
    signoff.set_defaults(handler=run_signoff)

    sign = command("sign", "cli_cmd_sign")
    sign.add_argument("paths", nargs="*", type=Path, metavar=files, help=say("cli_sign_paths"))
    key = sign.add_mutually_exclusive_group(required=True)
    key.add_argument("--key", type=Path, metavar="FILE.p12", help=say("cli_sign_key"))
    key.add_argument("--key-env", metavar="VAR", help=say("cli_sign_key_env"))
    sign.add_argument("--password-env", metavar="VAR", help=say("cli_sign_password_env"))
    sign.add_argument("--timestamp-url", metavar="URL", help=say("cli_sign_timestamp_url"))
    sign.add_argument("--force", action="store_true", help=say("cli_sign_force"))
    sign.set_defaults(handler=run_sign)

    verify = command("verify", "cli_cmd_verify")
    verify.add_argument("files", nargs="+", type=Path, metavar=files, help=say("cli_verify_files"))
    verify.add_argument(
        "--trust", action="append", type=Path, default=[], metavar="CA.pem", help=say("cli_verify_trust")
    )
    verify.add_argument("--format", choices=("text", "json"), default="text", help=say("cli_opt_format"))
    verify.set_defaults(handler=run_verify)

    serve = command("serve", "cli_cmd_serve")
    serve.add_argument("--port", type=types.port, default=8000, metavar="PORT", help=say("cli_serve_port"))
    serve.add_argument("--host", default="127.0.0.1", metavar="HOST", help=say("cli_serve_host"))
    serve.add_argument("--share-status", action="store_true", help=say("cli_serve_share_status"))
    serve.set_defaults(handler=run_serve)

    desk = command("desk", "cli_cmd_desk")
    desk.add_argument("--port", type=types.port, default=8000, metavar="PORT", help=say("cli_desk_port"))
    desk.add_argument("--host", default="127.0.0.1", metavar="HOST", help=say("cli_desk_host"))
    desk.add_argument("--accounts", type=Path, metavar="FILE", help=say("cli_desk_user_accounts"))
    desk.add_argument("--proxy-header", metavar="HEADER", help=say("cli_desk_proxy_header"))
    desk.add_argument("--proxy-address", action="append", default=[], metavar="ADDRESS",
                      help=say("cli_desk_proxy_address"))  # fmt: skip
    desk.add_argument("--https", action="store_true", help=say("cli_desk_https"))
    desk.set_defaults(handler=run_desk)
    _add_desk_user_commands(desk, common, say)

    new = command("new", "cli_cmd_new")
    new.add_argument("code", nargs="?", metavar=say("cli_metavar_code"), help=say("cli_new_code"))
    new.add_argument("--year", type=types.year, required=True, metavar=year, help=say("cli_new_year"))
    new.add_argument("--from", dest="source", metavar=say("cli_metavar_source"), help=say("cli_new_from"))
    new.set_defaults(handler=run_new)

    status = command("status", "cli_cmd_status")
    status.add_argument("--year", type=types.year, metavar=year, help=say("cli_status_year"))
    status.add_argument("--quarter", type=types.quarter, metavar=quarter, help=say("cli_status_quarter"))
    status.add_argument("--format", choices=("text", "csv", "json"), default="text", help=say("cli_opt_format"))
    status.set_defaults(handler=run_status)

    importer = command("import", "cli_cmd_import")
    importer.add_argument("file", type=Path, metavar=say("cli_metavar_files"), help=say("cli_import_file"))
    importer.add_argument("--year", type=types.year, required=True, metavar=year, help=say("cli_import_year"))
    importer.add_argument("--code", metavar=say("cli_metavar_code"), help=say("cli_import_code"))
    importer.set_defaults(handler=run_import)

    schema = command("schema", "cli_cmd_schema")
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
        _emit(f"reportgen: {error.text(args.lang)}", file=sys.stderr)
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
