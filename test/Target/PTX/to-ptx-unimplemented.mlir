// Test: until PTX emission lands, --to-ptx fails with a clear error, a
// non-zero exit and no output file.
// RUN: rm -f %t.ptx
// RUN: not amk-translate %s --to-ptx -o %t.ptx 2>&1 | FileCheck %s
// RUN: not test -e %t.ptx
// CHECK: error: --to-ptx is not implemented yet

amk.program @p {
}
