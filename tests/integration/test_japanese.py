"""Japanese throughout: under ja_JP.UTF-8, `kyokun --help`, each command's
--help, the usage errors and the messages about the broken inputs in
samples/bad/ are Japanese.

A line counts as prose when, after dropping option names, placeholders
(FILE, N), paths, rule ids and the literal values a user types (utf-8, csv,
auto), it still has an English word of three or more letters. Every prose
line must contain Japanese (kana or kanji), and a Japanese sentence names a
file or folder placeholder as ファイル or フォルダー, not FILE or DIR (help
lines that start with an option keep its syntax). The test prints SKIP and passes
when the system lacks the ja_JP.UTF-8 locale.
"""
import os
import re
import subprocess
import sys
import tempfile

KYOKUN = os.environ["KYOKUN"]
SOURCE = os.environ["KY_SOURCE_DIR"]

# Values a user types, which stay English in every language.
LITERALS = {
    "ja", "en", "auto", "text", "csv", "xlsx", "xls", "ods", "odt", "ott", "html", "fods",
    "company", "product", "person", "other", "stats", "utf", "bom", "cp932", "sjis", "ms932",
    "euc", "jp", "kyokun", "convert", "inspect", "dump", "validate", "plugins", "help",
    "incidents", "risks", "lessons", "why", "status", "unknown", "kind", "name", "placeholder",
    "occurrences", "book", "word", "level", "true", "false", "high", "medium", "low",
}

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
# A token that is code, not prose: an option, a path, a rule id, an assignment, quoted input.
CODE_CHARS = re.compile(r"[-./_=`@:'\"\\()\[\]{}<>|#*%$0-9]")


def is_prose(line):
    for token in line.split():
        if CODE_CHARS.search(token) or token.isupper():
            continue
        word = token.strip(",;!?")
        if len(word) >= 3 and word.isascii() and word.isalpha() and word.lower() not in LITERALS:
            return True
    return False


def english_lines(text):
    return [line for line in text.splitlines() if is_prose(line) and not JAPANESE.search(line)]


# A particle after a space that follows a Japanese word, as in "対応付けファイル を開けません".
# After a path or a quoted value the space is right, so only kana or kanji before it count.
SPACED_PARTICLE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff] [をがは]")


def spaced_particle_lines(text):
    return [line for line in text.splitlines() if SPACED_PARTICLE.search(line)]


# The placeholders FILE and DIR in a Japanese sentence, as in "--levels FILE で語を追加".
# Help lines that start with an option keep them, because they show the option's syntax.
PLACEHOLDER = re.compile(r"(?<![A-Za-z_])(FILE|DIR)(?![A-Za-z_])")


def placeholder_lines(text):
    return [line for line in text.splitlines()
            if JAPANESE.search(line) and PLACEHOLDER.search(line)
            and not line.lstrip().startswith("-")]


def run(args, env, cwd):
    result = subprocess.run([KYOKUN] + args, env=env, cwd=cwd, capture_output=True,
                            text=True, encoding="utf-8", errors="replace", timeout=120)
    return result.returncode, result.stdout, result.stderr


def main():
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
    if not re.search(r"^ja_JP\.utf-?8$", locales, re.I | re.M):
        print("SKIP: the ja_JP.UTF-8 locale is not installed")
        return 0

    env = dict(os.environ)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        env.pop(name, None)
    english_env = dict(env, LANG="C.UTF-8")
    env["LANG"] = "ja_JP.UTF-8"
    failures = []

    def check(label, text):
        for line in english_lines(text):
            failures.append(f"{label}: {line!r}")
        for line in spaced_particle_lines(text):
            failures.append(f"{label}: a space before a particle: {line!r}")
        for line in placeholder_lines(text):
            failures.append(f"{label}: FILE or DIR instead of ファイル or フォルダー: {line!r}")

    # The commands, as the English help lists them.
    _, help_en, _ = run(["--help"], english_env, SOURCE)
    section = help_en.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    commands = [line.split()[0] for line in section.splitlines() if line.strip()]
    if len(commands) < 5:
        failures.append(f"kyokun --help lists too few commands: {commands!r}")

    status, out, err = run(["--help"], env, SOURCE)
    if status != 0 or not JAPANESE.search(out):
        failures.append(f"kyokun --help: status {status}, no Japanese: {out[:200]!r}")
    check("kyokun --help", out)
    for command in commands:
        status, out, err = run([command, "--help"], env, SOURCE)
        if status != 0:
            failures.append(f"kyokun {command} --help: status {status}")
        check(f"kyokun {command} --help", out + err)

    with tempfile.TemporaryDirectory() as tmp:
        names = os.path.join(tmp, "names.csv")
        with open(names, "w", encoding="utf-8") as f:
            f.write("name,kind\nアクメ,gadget\n")
        sample = os.path.join(SOURCE, "samples", "guide-case.ja.xlsx")
        usage = [
            [],
            ["no-such-command"],
            ["--no-such-option"],
            ["convert"],
            ["convert", "--threshold", "0", sample],
            ["convert", "--lang", "fr", sample],
            ["convert", "-t", "no-such-format", "-o", tmp + "/", sample],
            ["convert", "--output-encoding", "latin1", sample],
            ["convert", "--anonymize-map", os.path.join(tmp, "map.csv"), sample],
            ["convert", "--anonymize", names, "-o", tmp + "/names/", sample],
            ["convert", "-m", os.path.join(tmp, "no-such-mapping.csv"), sample],
            ["convert", "--levels", os.path.join(tmp, "no-such-levels.csv"), sample],
            ["convert", "--encoding", "latin1", sample],
            ["convert", "--reference-odt", names, sample],
            ["convert", "-o"],
            ["validate"],
            ["validate", "--format", "xml", sample],
            ["validate", "--title-max", "0", sample],
            ["dump", "--sheet", "no-such-sheet", sample],
            ["inspect", os.path.join(tmp, "missing.xlsx")],
        ]
        for args in usage:
            status, out, err = run(args, env, tmp)
            if status == 0:
                failures.append(f"kyokun {' '.join(args)}: status 0, expected an error")
            if not JAPANESE.search(err):
                failures.append(f"kyokun {' '.join(args)}: no Japanese in {err!r}")
            check(f"kyokun {' '.join(args)}", err)

        bad = os.path.join(SOURCE, "samples", "bad")
        for name in sorted(os.listdir(bad)):
            path = os.path.join(bad, name)
            for args in (["convert", "-o", os.path.join(tmp, name) + "/", path],
                         ["validate", path], ["inspect", path], ["dump", path]):
                status, out, err = run(args, env, tmp)
                # validate prints its findings on standard output.
                check(f"kyokun {args[0]} {name}", err + (out if args[0] == "validate" else ""))

    if failures:
        print("FAIL: English text under ja_JP.UTF-8:", file=sys.stderr)
        for failure in failures:
            print("  " + failure, file=sys.stderr)
        return 1
    print("Japanese under ja_JP.UTF-8: help of", len(commands), "commands, usage errors and",
          "samples/bad checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
