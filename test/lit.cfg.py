# -*- Python -*-
# lit configuration of the AMK regression tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "AMK"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".json", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "models"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.amk_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%amk_src", config.amk_src_root))
config.substitutions.append(("%models", os.path.join(config.amk_src_root, "test", "models")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%amk_libs", os.path.join(config.amk_obj_root, "lib")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.amk_tools_dir, config.llvm_tools_dir]
tools = ["amk-opt", "amk-translate",
         ToolSubst("amk-hf-inspect", unresolved="ignore"),
         ToolSubst("not"), ToolSubst("amk-oracle", unresolved="ignore"),
         ToolSubst("amk-validate-bench", unresolved="ignore"),
         ToolSubst("amk-ref-run", unresolved="ignore"),
         ToolSubst("amk-run", unresolved="ignore")]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# ptxas (CUDA toolkit) assembles the PTX of the test kernels where present;
# `PTXAS` overrides its path.
ptxas = os.environ.get("PTXAS", "/usr/local/cuda/bin/ptxas")
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
