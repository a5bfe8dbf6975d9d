"""Finding and running the AMK command-line tools and the runtime library.

Tools are looked up in ``$AMK_BIN`` when set, else in the package's own
``_native/bin`` (an installed copy: ``pip install ./python`` packs them),
else in the ``build/bin`` of the repository this package sits in
(``python/amk`` -> ``build/bin``), else on ``PATH``. The runtime library
``libamk_runtime.so`` is ``$AMK_LIB`` when set, else ``lib/libamk_runtime.so``
beside that ``bin`` folder.
"""
import os
import shutil
import subprocess

from .errors import AmkError, CompileError

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
#: The tools an installed package carries.
PACKAGED = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "_native", "bin")


def bin_dir():
    """The folder the tools are taken from, or None to use PATH."""
    env = os.environ.get("AMK_BIN")
    if env:
        return env
    if os.path.isdir(PACKAGED):
        return PACKAGED
    repo_bin = os.path.join(_REPO, "build", "bin")
    return repo_bin if os.path.isdir(repo_bin) else None


def tool(name):
    """The path of tool `name`; AmkError naming where it was looked for."""
    folder = bin_dir()
    if folder:
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
        raise AmkError("%s not found in %s (set AMK_BIN to the folder of the "
                       "AMK tools, or build them: ./scripts/build.sh %s)"
                       % (name, folder, name))
    path = shutil.which(name)
    if path:
        return path
    raise AmkError("%s not found: set AMK_BIN to the folder of the AMK tools "
                   "or put them on PATH" % name)


def runtime_library():
    """The path of libamk_runtime.so; AmkError when it does not exist."""
    path = os.environ.get("AMK_LIB")
    if not path:
        folder = bin_dir()
        if folder is None:
            amk_run = shutil.which("amk-run")
            folder = os.path.dirname(amk_run) if amk_run else None
        if folder is None:
            raise AmkError("libamk_runtime.so not found: set AMK_LIB to its "
                           "path or AMK_BIN to the tools' folder")
        path = os.path.join(os.path.dirname(folder), "lib",
                            "libamk_runtime.so")
    if not os.path.isfile(path):
        raise AmkError("%s does not exist (set AMK_LIB, or build it: "
                       "./scripts/build.sh amk_runtime)" % path)
    return path


def run(step, name, args, check=True):
    """Runs tool `name` with `args`; returns the CompletedProcess (text).

    With check, a non-zero exit raises CompileError for `step` carrying the
    tool's stderr.
    """
    command = [tool(name)] + [str(a) for a in args]
    done = subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if check and done.returncode != 0:
        raise CompileError(step, command, done.returncode, done.stderr)
    return done
