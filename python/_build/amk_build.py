"""A minimal PEP 517 build backend for the ``amk`` package.

It writes a wheel (a zip of ``amk/*.py`` plus ``.dist-info``) with the
standard library only, so ``pip install ./python`` works offline. Metadata is
read from pyproject.toml's ``[project]`` table (name, version, description,
requires-python).

The built tools go inside the package when they exist: ``amk-opt``,
``amk-translate``, ``amk-run``, ``amk-ref-run`` from ``$AMK_BIN`` (else the
checkout's ``build/bin``) as ``amk/_native/bin/``, and
``libamk_runtime.so`` from ``$AMK_LIB`` (else ``build/lib``) as
``amk/_native/lib/``, so that an installed copy works outside the checkout
with no environment variable. The wheel is then tagged for this platform.
``AMK_PACKAGE_TOOLS=0`` builds the pure-Python wheel (the tools are then
looked up in $AMK_BIN or on PATH).
"""
import base64
import hashlib
import os
import re
import sys
import sysconfig
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGE = "amk"
#: The tools an installed package carries (compile, run, reference).
TOOLS = ("amk-opt", "amk-translate", "amk-run", "amk-ref-run")
RUNTIME = "libamk_runtime.so"


def native_files():
    """[(archive path, source path)] of the tools and the runtime library
    to package; [] when AMK_PACKAGE_TOOLS=0. A missing file is named on
    stderr and left out."""
    if os.environ.get("AMK_PACKAGE_TOOLS") == "0":
        return []
    build = os.path.join(os.path.dirname(_ROOT), "build")
    bin_dir = os.environ.get("AMK_BIN") or os.path.join(build, "bin")
    lib = os.environ.get("AMK_LIB") or os.path.join(
        os.path.dirname(bin_dir), "lib", RUNTIME)
    found = []
    wanted = [("bin/" + t, os.path.join(bin_dir, t)) for t in TOOLS]
    wanted.append(("lib/" + RUNTIME, lib))
    for name, path in wanted:
        if os.path.isfile(path):
            found.append((_PACKAGE + "/_native/" + name, path))
        else:
            print("amk_build: %s not found: not packaged (build it: "
                  "./scripts/build.sh amk-opt amk-translate amk-run "
                  "amk-ref-run amk_runtime)" % path, file=sys.stderr)
    return found


def _tag(native):
    if not native:
        return "py3-none-any"
    return "py3-none-" + re.sub(r"[-.]", "_", sysconfig.get_platform())


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


def _write_wheel(wheel_directory, files, executables=()):
    """files: (archive path, bytes) pairs; adds WHEEL, METADATA and RECORD.
    ``executables``: archive paths installed with mode 0755 (the wheel is
    then platform-specific)."""
    project = _project()
    tag = _tag(executables)
    name = "%s-%s-%s.whl" % (project["name"], project["version"], tag)
    info = _dist_info(project)
    wheel_text = ("Wheel-Version: 1.0\nGenerator: amk_build\n"
                  "Root-Is-Purelib: %s\nTag: %s\n"
                  % ("false" if executables else "true", tag))
    files = list(files) + [
        (info + "/METADATA", _metadata(project).encode()),
        (info + "/WHEEL", wheel_text.encode()),
    ]
    record = [_record_line(path, data) for path, data in files]
    record.append(info + "/RECORD,,")
    files.append((info + "/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files:
            entry = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if path in executables else 0o644
            entry.external_attr = (0o100000 | mode) << 16
            wheel.writestr(entry, data)
    return name


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    files = []
    package = os.path.join(_ROOT, _PACKAGE)
    for entry in sorted(os.listdir(package)):
        if entry.endswith(".py"):
            with open(os.path.join(package, entry), "rb") as f:
                files.append((_PACKAGE + "/" + entry, f.read()))
    native = native_files()
    for archive, path in native:
        with open(path, "rb") as f:
            files.append((archive, f.read()))
    return _write_wheel(wheel_directory, files,
                        executables=[a for a, _ in native])


def build_editable(wheel_directory, config_settings=None,
                   metadata_directory=None):
    pth = (_ROOT + "\n").encode()
    return _write_wheel(wheel_directory, [("_amk_editable.pth", pth)])
