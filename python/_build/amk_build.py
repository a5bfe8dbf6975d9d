"""A minimal PEP 517 build backend for the pure-Python ``amk`` package.

It writes a wheel (a zip of ``amk/*.py`` plus ``.dist-info``) with the
standard library only, so ``pip install ./python`` works offline. Metadata is
read from pyproject.toml's ``[project]`` table (name, version, description,
requires-python).
"""
import base64
import hashlib
import os
import re
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGE = "amk"


def _project():
    """The scalar string fields of pyproject.toml's [project] table."""
    fields, inside = {}, False
    with open(os.path.join(_ROOT, "pyproject.toml"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                inside = line == "[project]"
            elif inside:
                match = re.match(r'([\w-]+)\s*=\s*"(.*)"$', line)
                if match:
                    fields[match.group(1)] = match.group(2)
    return fields


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return "%s,sha256=%s,%d" % (path, digest.rstrip(b"=").decode(), len(data))


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"],
             "Version: " + project["version"]]
    if "description" in project:
        lines.append("Summary: " + project["description"])
    if "requires-python" in project:
        lines.append("Requires-Python: " + project["requires-python"])
    return "\n".join(lines) + "\n"


def _dist_info(project):
    return "%s-%s.dist-info" % (project["name"], project["version"])


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    info = os.path.join(metadata_directory, _dist_info(project))
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(project))
    return _dist_info(project)


def _write_wheel(wheel_directory, files):
    """files: (archive path, bytes) pairs; adds WHEEL, METADATA and RECORD."""
    project = _project()
    name = "%s-%s-py3-none-any.whl" % (project["name"], project["version"])
    info = _dist_info(project)
    files = list(files) + [
        (info + "/METADATA", _metadata(project).encode()),
        (info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: amk_build\n"
                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = [_record_line(path, data) for path, data in files]
    record.append(info + "/RECORD,,")
    files.append((info + "/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files:
            wheel.writestr(path, data)
    return name


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    files = []
    package = os.path.join(_ROOT, _PACKAGE)
    for entry in sorted(os.listdir(package)):
        if entry.endswith(".py"):
            with open(os.path.join(package, entry), "rb") as f:
                files.append((_PACKAGE + "/" + entry, f.read()))
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None,
                   metadata_directory=None):
    pth = (_ROOT + "\n").encode()
    return _write_wheel(wheel_directory, [("_amk_editable.pth", pth)])
