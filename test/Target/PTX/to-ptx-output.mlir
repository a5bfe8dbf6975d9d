// Test: with -o X.ptx, --to-ptx writes the PTX and the manifest beside it
// (X.manifest.json); a failing translation leaves an existing output alone.
// RUN: rm -rf %t && mkdir -p %t
// RUN: amk-translate %s --to-ptx -o %t/k.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/k.ptx
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/k.manifest.json
// RUN: %python -c "import json, sys; sys.path.insert(0, '%amk_src/utils'); from manifest_hash import ptx_hash; m = json.load(open('%t/k.manifest.json')); print('ptx_hash', m['ptx_hash'] == ptx_hash(open('%t/k.ptx', 'rb').read()))" | FileCheck %s --check-prefix=HASH
// RUN: echo old > %t/k.ptx
// RUN: sed s/sm_90a/sm_75/ %s | not amk-translate --to-ptx -o %t/k.ptx 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: FileCheck %s --check-prefix=OLD < %t/k.ptx
// RUN: ls %t | FileCheck %s --check-prefix=FILES

// PTX: // amk-chip: sm_90a{{$}}
// PTX-NEXT: // amk-smem-limit: 232448
// PTX-NEXT: // amk-dynamic-smem: 1024
// PTX-NEXT: // amk-registers-per-sm: 65536
// PTX-NEXT: // amk-block: 256
// PTX: .target sm_90a
// PTX: .entry amk_megakernel(
// MANIFEST: {"ptx_hash": "{{[0-9a-f]+}}", "format": "amk-manifest", "block": 256, "dynamic_smem": 1024}
// The hash is the PTX file's (utils/manifest_hash.py computes it alike).
// HASH: ptx_hash True
// ERR: error: #nvvm.target chip 'sm_75' is not one of
// OLD: {{^old$}}
// FILES: k.manifest.json
// FILES-NEXT: k.ptx
// FILES-NOT: {{.}}

module attributes {gpu.container_module} {
  gpu.module @amk [#nvvm.target<chip = "sm_90a">] attributes {amk.manifest = "{\"format\": \"amk-manifest\", \"block\": 256, \"dynamic_smem\": 1024}"} {
    gpu.func @amk_megakernel(%p: !llvm.ptr<1>) kernel {
      %c = arith.constant 7 : i32
      llvm.store %c, %p : i32, !llvm.ptr<1>
      gpu.return
    }
  }
}
