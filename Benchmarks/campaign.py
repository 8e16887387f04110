#!/usr/bin/env python3
"""Helper of Benchmarks/campaign.sh: builds the mixed tree, corrupts files for `check`, runs the
concurrent appenders and renamers, and checks the invariants after each run.

The oracles are coreutils and gzip: digests come from `sha256sum -z` (the manifest campaign.sh
makes of the pristine tree before anything runs) and compressed files are judged by `gzip -dc`.
Names are bytes throughout (the tree has names that are not UTF-8).

Subcommands:
  make-tree DIR SEED           the mixed tree: small files, files over 1 MiB, non-UTF-8 names
  corrupt TREE MANIFEST SEED   changes 0-3 files in place; prints their names (NUL-separated)
  mutate TREE JOURNAL SEED SECONDS STOP
                               appends to some files and renames new content over others while
                               sweep runs; every change goes to the journal before it is made
  verify ...                   the invariants; one `VIOLATION ...` line per breach
"""

import os
import random
import re
import subprocess
import sys
import time

TEMPORARY = re.compile(rb"sweep-tmp|\.sweep-|sweep.*\.tmp")


def names_of(manifest):
    """{relative name (bytes, './...'): hex} from `sha256sum -z` output."""
    out = {}
    with open(manifest, "rb") as f:
        for record in f.read().split(b"\0"):
            if not record:
                continue
            digest, name = record[:64], record[66:]
            out[name] = digest.decode()
    return out


def sha256sums(paths):
    """sha256sum of each path (bytes) -> hex, via coreutils; missing or unreadable ones are left out."""
    out = {}
    if not paths:
        return out
    result = subprocess.run(["sha256sum", "-z", "--"] + list(paths), capture_output=True)
    for record in result.stdout.split(b"\0"):
        if record:
            out[record[66:]] = record[:64].decode()
    return out


def gunzip(path):
    """gzip -dc of path, or None when gzip fails."""
    result = subprocess.run(["gzip", "-dc", "--", path], capture_output=True)
    return result.stdout if result.returncode == 0 else None


def sha_of_bytes(data):
    result = subprocess.run(["sha256sum"], input=data, capture_output=True)
    return result.stdout[:64].decode()


# --- make-tree ---------------------------------------------------------------------------------

def make_tree(root, seed):
    rng = random.Random(int(seed))
    root = os.fsencode(root)

    def put(relative, data):
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def text(size, tag):
        lines, total = [], 0
        while total < size:
            line = b"%s %08d level=%s msg=%s\n" % (
                tag, len(lines), rng.choice([b"INFO", b"WARN", b"ERROR"]), bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(5, 60))))
            lines.append(line)
            total += len(line)
        return b"".join(lines)[:size]

    put(b"empty", b"")
    put(b"one", b"x")
    put(b"small.log", text(100, b"s"))
    put(b"a b.txt", text(3000, b"ab"))
    put(b"-dash.log", text(5000, b"d"))
    put(b"caf\xe9.log", text(20000, b"latin1"))          # not UTF-8
    put(b"\xff\xfe.bin", rng.randbytes(4096))            # not UTF-8, binary
    put(b"sub/\xc3(bad.log", text(60000, b"bad"))        # invalid UTF-8 sequence
    put(b"sub/deeper/app.log", text(200000, b"app"))
    put(b"sub/deeper/random.bin", rng.randbytes(70000))
    put(b"sub/.hidden.log", text(8000, b"h"))
    put(b"big-text.log", text(1_600_000, b"big"))        # > 1 MiB: the parallel path
    put(b"big-random.bin", rng.randbytes(1_300_000))     # > 1 MiB, incompressible


# --- corrupt -----------------------------------------------------------------------------------

def corrupt(tree, manifest, seed):
    rng = random.Random(int(seed))
    tree = os.fsencode(tree)
    names = sorted(names_of(manifest))
    chosen = rng.sample(names, rng.randint(0, 3))
    for name in chosen:
        path = os.path.join(tree, name)
        with open(path, "rb") as f:
            data = bytearray(f.read())
        how = rng.choice(["flip", "truncate", "append", "replace"])
        if how == "flip" and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif how == "truncate" and data:
            data = data[:-1]
        elif how == "replace" and data:
            data = bytearray(rng.randbytes(len(data)))
        else:
            data += b"!"
        # Keep size and mtime changes visible to nothing but the content: same mtime as before.
        info = os.stat(path)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    sys.stdout.buffer.write(b"".join(name + b"\0" for name in chosen))


# --- mutate ------------------------------------------------------------------------------------

def mutate(tree, journal, seed, seconds, stop):
    """Appends to one or two files (reopening each time, as `echo >> file` does) and renames new
    content over one or two others, while sweep runs. Each change is journalled (and flushed)
    before it is made, so that the verifier knows every byte that must survive."""
    rng = random.Random(int(seed))
    tree = os.fsencode(tree)
    stop = os.fsencode(stop)
    candidates = []
    for directory, _, files in os.walk(tree):
        for name in files:
            if not name.endswith(b".gz") and not TEMPORARY.search(name):
                candidates.append(os.path.relpath(os.path.join(directory, name), tree))
    candidates.sort()
    rng.shuffle(candidates)
    appenders = candidates[: rng.randint(1, 2)]
    renamers = candidates[len(appenders): len(appenders) + rng.randint(1, 2)]
    rename_at = {name: time.monotonic() + rng.uniform(0, float(seconds)) for name in renamers}
    deadline = time.monotonic() + float(seconds)
    count = 0
    with open(journal, "ab", buffering=0) as log:
        while time.monotonic() < deadline and not os.path.exists(stop):
            for name in appenders:
                line = b"appended %d by the campaign\n" % count
                count += 1
                log.write(b"A " + name.hex().encode() + b" " + line.hex().encode() + b"\n")
                fd = os.open(os.path.join(tree, name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                os.write(fd, line)
                os.close(fd)
            for name in list(rename_at):
                if time.monotonic() >= rename_at[name]:
                    del rename_at[name]
                    content = b"replacement of %s\n" % name
                    path = os.path.join(tree, name)
                    staging = os.path.join(os.path.dirname(path), b".campaign-new-" + os.path.basename(path))
                    with open(staging, "wb") as f:
                        f.write(content)
                    log.write(b"R " + name.hex().encode() + b" " + content.hex().encode() + b"\n")
                    os.rename(staging, path)
            time.sleep(rng.uniform(0.001, 0.01))


def read_journal(journal):
    """{relative name: ('A', [appended chunks]) or ('R', content)}"""
    changes = {}
    if not journal or not os.path.exists(journal):
        return changes
    with open(journal, "rb") as f:
        for line in f:
            kind, name, data = line.split()
            name = bytes.fromhex(name.decode())
            data = bytes.fromhex(data.decode())
            if kind == b"A":
                changes.setdefault(name, ("A", []))[1].append(data)
            else:
                changes[name] = ("R", data)
    return changes


# --- verify ------------------------------------------------------------------------------------

def verify(argv):
    """verify TREE MANIFEST [--journal J] [--allow-temporaries] [--created NAME ...]
                           [--check-stdout FILE --check-status N --corrupted FILE]
    Prints `VIOLATION <what>` lines, `TEMPORARIES <n>` and `FALSEFAILED <n>`."""
    tree, manifest = os.fsencode(argv[0]), argv[1]
    options = argv[2:]

    def option(name, default=None):
        return options[options.index(name) + 1] if name in options else default

    journal = option("--journal")
    allow_temporaries = "--allow-temporaries" in options
    created = set()
    if "--created" in options:
        created = {os.fsencode(n) for n in options[options.index("--created") + 1:] if not n.startswith("--")}
    expected = names_of(manifest)
    changes = read_journal(journal)
    corrupted = set()
    if option("--corrupted") and os.path.exists(option("--corrupted")):
        with open(option("--corrupted"), "rb") as f:
            corrupted = {n for n in f.read().split(b"\0") if n}
    violations = []

    # Originals, by their pristine bytes (read once from the manifest's digests).
    present = {}
    paths = []
    for directory, dirs, files in os.walk(tree):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(directory, d))]:
            relative = b"./" + os.path.relpath(os.path.join(directory, name), tree)
            present[relative] = os.path.join(directory, name)
    regular = [p for p in present.values() if os.path.isfile(p) and not os.path.islink(p)]
    digests = {}
    for path, hexdigest in sha256sums(regular).items():
        digests[path] = hexdigest

    def digest(relative):
        path = present.get(relative)
        return digests.get(path) if path is not None else None

    def content(relative):
        path = present.get(relative)
        if path is None or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def decoded(relative):
        path = present.get(relative)
        return gunzip(path) if path is not None else None

    accounted = set()
    pairs = []
    for name, original_hex in sorted(expected.items()):
        gz = name + b".gz"
        accounted.update({name, gz})
        plain_hex = digest(name)
        has_plain, has_gz = name in present, gz in present
        shown = os.fsdecode(name)
        change = changes.get(name[2:])
        if name in corrupted:
            # Changed on purpose before a check: it must still be there, as it was left.
            if not has_plain or has_gz:
                violations.append("%s (corrupted for check) was removed or compressed" % shown)
            continue
        if change is None:
            if has_plain and has_gz and plain_hex == original_hex:
                pairs.append(shown)
            if has_gz:
                unpacked = decoded(gz)
                if unpacked is None or sha_of_bytes(unpacked) != original_hex:
                    violations.append("%s.gz exists under its final name but does not decode to the original" % shown)
            if has_plain and plain_hex != original_hex:
                violations.append("%s is present but not the original (partial or wrong content)" % shown)
            if not has_plain and not has_gz:
                violations.append("%s is gone and there is no %s.gz" % (shown, shown))
            continue
        # A file changed by the mutator: every byte it wrote must be somewhere.
        with open(os.path.join(os.fsencode(option("--pristine")), name), "rb") as f:
            original = f.read()
        plain = content(name) if has_plain else None
        packed = decoded(gz) if has_gz else None
        if has_gz and packed is None:
            violations.append("%s.gz exists under its final name but does not decode" % shown)
            continue
        kind, data = change
        if kind == "A":
            everything = original + b"".join(data)
            ok = (plain == everything and (packed is None or everything.startswith(packed)))
            ok = ok or (plain is None and packed == everything)
            ok = ok or (packed is not None and packed.startswith(original) and plain is not None and packed + plain == everything)
            if not ok:
                violations.append("%s: appended bytes lost (file %s, .gz %s, expected %d bytes)" % (
                    shown, "gone" if plain is None else "%d bytes" % len(plain),
                    "none" if packed is None else "%d bytes" % len(packed), len(everything)))
        else:
            ok = plain == data and (packed is None or packed in (original, data))
            ok = ok or (plain is None and packed == data)
            if not ok:
                violations.append("%s: the file renamed into place was lost (file %s, .gz %s)" % (
                    shown, "gone" if plain is None else ("the replacement" if plain == data else "other content"),
                    "none" if packed is None else ("the original" if packed == original else ("the replacement" if packed == data else "other"))))

    temporaries = 0
    for relative in sorted(present):
        if relative in accounted:
            continue
        base = os.path.basename(relative)
        if relative[2:] in created or base in created or base.startswith(b".campaign-new-"):
            continue
        if TEMPORARY.search(base):
            temporaries += 1
            if allow_temporaries:
                continue
            violations.append("%s: a temporary left behind by a run that was neither killed nor faulted" % os.fsdecode(relative))
            continue
        violations.append("%s: appeared in the tree" % os.fsdecode(relative))

    # check: never OK for a wrong file, never exit 0 while a listed file is wrong.
    false_failed = 0
    check_stdout = option("--check-stdout")
    if check_stdout:
        with open(check_stdout, "rb") as f:
            lines = f.read().split(b"\n")
        for line in lines:
            if line.endswith(b": OK"):
                name = line[:-4]
                if name.startswith(b"\\"):
                    name = name[1:].replace(b"\\n", b"\n").replace(b"\\r", b"\r").replace(b"\\\\", b"\\")
                if name not in expected:
                    violations.append("check said OK for %r, which the manifest does not list" % name)
                elif digest(name) != expected[name]:
                    violations.append("check said OK for %s, whose content is wrong" % os.fsdecode(name))
            elif line.endswith(b": FAILED"):
                name = line[:-8]
                if name in expected and digest(name) == expected[name]:
                    false_failed += 1
        status = option("--check-status")
        if status == "0" and any(digest(n) != expected.get(n) for n in corrupted):
            violations.append("check exited 0 although %d listed file(s) are wrong" % len(corrupted))

    for line in violations:
        print("VIOLATION " + line)
    print("TEMPORARIES %d" % temporaries)
    print("PAIRS %d" % len(pairs))
    print("FALSEFAILED %d" % false_failed)


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "make-tree":
        make_tree(*args)
    elif command == "corrupt":
        corrupt(*args)
    elif command == "mutate":
        mutate(*args)
    elif command == "verify":
        verify(args)
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
