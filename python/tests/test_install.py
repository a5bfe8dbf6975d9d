"""pip install ./python works offline and the installed package runs."""
import os
import subprocess
import sys

from amk import _tools
from conftest import HERE, RACE


def test_pip_install_offline(tmp_path):
    target = str(tmp_path / "site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
         "--target", target, os.path.dirname(HERE)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, cwd=str(tmp_path))
    assert done.returncode == 0, done.stdout
    assert os.path.isfile(os.path.join(target, "amk", "__init__.py"))
    # Outside the checkout the tools are found through AMK_BIN.
    env = dict(os.environ, PYTHONPATH=target, AMK_BIN=_tools.bin_dir())
    code = ("import amk; print(amk.__file__); "
            "print(amk.validate(%r).total)" % RACE)
    done = subprocess.run([sys.executable, "-c", code], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr
    path, total = done.stdout.split()
    assert path.startswith(target) and total == "2"
