"""pip install ./python works offline and the installed package runs."""
import os
import subprocess
import sys
import textwrap

from conftest import HERE, LLAMA, RACE


def test_pip_install_offline(tmp_path):
    target = str(tmp_path / "site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
         "--target", target, os.path.dirname(HERE)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, cwd=str(tmp_path))
    assert done.returncode == 0, done.stdout
    assert os.path.isfile(os.path.join(target, "amk", "__init__.py"))
    # The tools and the runtime library are inside the installed package:
    # outside the checkout, with no AMK_* variable, it compiles, validates,
    # runs on the CPU path and makes a reference.
    native = os.path.join(target, "amk", "_native")
    for name in ("amk-opt", "amk-translate", "amk-run", "amk-ref-run"):
        assert os.access(os.path.join(native, "bin", name), os.X_OK), name
    assert os.path.isfile(os.path.join(native, "lib", "libamk_runtime.so"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMK_")}
    env.update(PYTHONPATH=target, PATH="/usr/bin:/bin",
               AMK_CACHE=str(tmp_path / "cache"))
    code = textwrap.dedent("""\
        import amk, amk.reference
        print(amk.__file__)
        print(amk.validate(%r).total)
        kernel = amk.compile(%r, sms=8)
        with amk.Megakernel(kernel, %r, device="cpu") as mk:
            print(mk.generate([1, 17], 3))
        print(amk.reference.make(%r, %r, prompt=[1, 17], steps=3,
                                 source="cpu").tokens)
        """) % (RACE, LLAMA, LLAMA, LLAMA, str(tmp_path / "ref"))
    done = subprocess.run([sys.executable, "-c", code], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr
    path, total, tokens, reference = done.stdout.splitlines()
    assert path.startswith(target) and total == "2"
    assert tokens == reference and len(eval(tokens)) == 3
    done = subprocess.run([sys.executable, "-m", "amk", "doctor"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, cwd=str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tools from inside the installed package" in done.stdout
    assert "  amk-run       ok: " + os.path.join(native, "bin", "amk-run") \
        in done.stdout
    assert "essentials (tools and runtime): found" in done.stdout
    for name in ("GPU", "driver", "transformers", "tokenizers"):
        assert "\n  %-13s " % name in done.stdout


def test_doctor_names_what_is_missing(tmp_path):
    env = dict(os.environ, AMK_BIN=str(tmp_path),
               PYTHONPATH=os.path.dirname(HERE))
    done = subprocess.run([sys.executable, "-m", "amk", "doctor"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "  amk-opt       missing: amk-opt not found in %s" % tmp_path \
        in done.stdout
    assert "essentials (tools and runtime): MISSING" in done.stdout
