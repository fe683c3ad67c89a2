"""What the copier template consists of, and the copy of it a regular install carries.

The repository is the template: `copier.yml` at the root and the folders it names. `template_parts` derives
those names from copier.yml itself (its `_subdirectory`, the file paths of `_jinja_extensions`, the
`{{ _copier_conf.src_path }}/...` paths its migrations run, and the folders a templated `_subdirectory` can
name), plus modforge's own data beside it (`releases.toml`, `prompts/`), so a template folder added later
is shipped without editing a list.

`build(repo_root, destination)` writes the bundle a wheel installs as `modforge/_template/`: the current
template parts, and under `past-releases/` one `v<X.Y.Z>.tar.gz` per release older than this version
(`git archive` of the commit `releases.toml` names, with that release's own `src/`), since `modforge update`
renders the release a module records. It runs at build time (setup.py, before pip or build has anything
installed but the build requirements), so it imports only the standard library, PyYAML and packaging.
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
import subprocess
from pathlib import Path

BUNDLE_DIR = "_template"  # inside the installed package: modforge/_template/
PAST_RELEASES = "past-releases"  # inside the bundle: v<X.Y.Z>.tar.gz per release older than the package
CONFIG_NAMES = ("copier.yml", "copier.yaml")
OWN_DATA = ("releases.toml", "prompts")  # modforge's data that sits beside the template, not named by copier.yml
SOURCE_DIR = "src"  # a release's own code, which its extension and migrations load
_SRC_PATH_RE = re.compile(r"_copier_conf\.src_path\s*}}/+([^/\s\"'}]+)")
_LITERAL_RE = re.compile(r"""['"]([A-Za-z0-9_.-]+)['"]""")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def parts_of(config: dict, present: set[str]) -> list[str]:
    """The top-level names of a template checkout that the template needs, from its parsed copier.yml;
    `present` are the names the checkout has (only those are returned)."""
    names = set(CONFIG_NAMES) | set(OWN_DATA)
    subdirectory = str(config.get("_subdirectory") or "")
    static = subdirectory.split("{{", 1)[0].strip("/")
    if static:
        names.add(static.split("/", 1)[0])
    if "{{" in subdirectory:  # a collection of templates chosen by an answer: every folder it can name
        names.update(_LITERAL_RE.findall(subdirectory))
        for question, spec in config.items():
            if not question.startswith("_") and re.search(rf"\b{re.escape(question)}\b", subdirectory):
                choices = spec.get("choices") if isinstance(spec, dict) else None
                values = choices.values() if isinstance(choices, dict) else choices or ()
                names.update(str(value).split("/", 1)[0] for value in values)
    for extension in config.get("_jinja_extensions") or ():
        path = str(extension).split(":", 1)[0]
        if "/" in path or path.endswith(".py"):
            names.add(path.split("/", 1)[0])
    names.update(_SRC_PATH_RE.findall(_flatten(config)))
    return sorted(names & present)


def _flatten(value: object) -> str:
    if isinstance(value, dict):
        return "\n".join(_flatten(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_flatten(v) for v in value)
    return str(value)


def read_config(text: str) -> dict:
    import yaml

    # libyaml's loader when PyYAML has it: ten times faster, and every test session reads copier.yml
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return data if isinstance(data, dict) else {}


def template_parts(root: Path) -> list[str]:
    """The template's top-level files and folders in the checkout at `root` (see `parts_of`)."""
    config = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
    if config is None:
        raise FileNotFoundError(f"{root} has no copier.yml: not a template checkout")
    present = {child.name for child in root.iterdir()}
    return parts_of(read_config(config.read_text(encoding="utf-8")), present)


def release_parts(root: Path) -> list[str]:
    """What a past release needs of the checkout: the template parts and its own `src/`."""
    return sorted({*template_parts(root), SOURCE_DIR})


def copy_parts(root: Path, parts: list[str], destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=_IGNORED, dirs_exist_ok=True)
        elif source.is_file():
            shutil.copy2(source, destination / part)


# --- a past release from git history -----------------------------------------------------------------
def archive_release(repo_root: Path, commit: str) -> bytes:
    """The tar archive (uncompressed) of one release commit's template parts and `src/`, from git history."""

    def git(*args: str, text: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=repo_root, capture_output=True, text=text)

    listed = git("ls-tree", "--name-only", commit)
    if listed.returncode != 0:
        raise LookupError(
            f"release commit {commit} (releases.toml) is not in the clone at {repo_root}; "
            f"fetch the full history (`git fetch --unshallow`): {listed.stderr.strip()}"
        )
    present = set(listed.stdout.split())
    config_name = next((name for name in CONFIG_NAMES if name in present), None)
    config = read_config(git("show", f"{commit}:{config_name}").stdout) if config_name else {}
    parts = sorted(set(parts_of(config, present)) | ({SOURCE_DIR} & present))
    archive = git("archive", "--format=tar", commit, "--", *parts, text=False)
    if archive.returncode != 0:
        raise LookupError(f"`git archive {commit}` failed in {repo_root}: {archive.stderr.decode().strip()}")
    return archive.stdout


def archive_name(version: str) -> str:
    return f"v{version}.tar.gz"


# --- the bundle a wheel carries ----------------------------------------------------------------------
def build(repo_root: Path, destination: Path, version: str) -> Path:
    """Write the bundle for the package of `version` into `destination` (replacing what is there): the
    template parts of the checkout at `repo_root`, and the archive of every release older than `version`."""
    from packaging.version import Version

    from modforge.lifecycle import releases

    if destination.exists():
        shutil.rmtree(destination)
    copy_parts(repo_root, template_parts(repo_root), destination)
    past = destination / PAST_RELEASES
    past.mkdir()
    for release in releases.load(repo_root):
        if release.key < Version(version):
            tar = archive_release(repo_root, release.commit)
            # mtime=0: the same release gives the same bytes in every build
            (past / archive_name(release.version)).write_bytes(gzip.compress(tar, mtime=0))
    return destination


def extract(archive: Path, destination: Path) -> None:
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive.read_bytes()))) as tar:
        tar.extractall(destination, filter="data")
