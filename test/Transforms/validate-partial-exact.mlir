// RUN: amk-opt %s --amk-validate -split-input-file -verify-diagnostics
// RUN: amk-opt %s --amk-validate="partial-waits=exact" -split-input-file -verify-diagnostics
// RUN: not amk-opt %s --amk-validate="partial-waits=maybe" -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// partial-waits=exact, the default (both RUN lines): a partial wait that
// does not say which producers finished is not itself a violation. Happens-before keeps only the
// producers it determines, so the race and coverage checks judge every
// access that depends on the others, and deadlock freedom is decided by
// simulating the schedule (exact for k-of-n waits).

// BAD: for the --partial-waits option: Cannot find option named 'maybe'!

// Ambiguous but harmless: "first" waits for 1 of {t0, t1} (either may come
// first) and touches nothing they write. amk-oracle: SAFE.
amk.program @ambiguous_harmless target <"sm_90a", sms = 3> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %e = amk.event "tiles"
  %d = amk.event "d"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "first" waits(%e >= 1) signals %d worker 2 queue 0 {
    amk.copy %x -> %z : memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e >= 2) signals %d worker 2 queue 1 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Ambiguous and harmful: "first" reads all of "h", but only one of its two
// writers is known to have finished. amk-oracle: UNSAFE (race).
// expected-error @+1 {{schedule rejected: 2 violation(s)}}
amk.program @ambiguous_race target <"sm_90a", sms = 3> {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" output : memref<64xf32>
  %e = amk.event "tiles"
  %d = amk.event "d"
  amk.task "t0" signals %e worker 0 queue 0 {
    amk.gemv %w, %x -> %h cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "t1" signals %e worker 1 queue 0 {
    amk.gemv %w, %x -> %h cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "first" waits(%e >= 1) signals %d worker 2 queue 0 {
    // expected-error @+2 {{unordered conflicting accesses: write 'h'[0, 32) in task "t0" and read 'h'[0, 64) in task "first" are not ordered by happens-before}}
    // expected-error @+1 {{unordered conflicting accesses: write 'h'[32, 64) in task "t1" and read 'h'[0, 64) in task "first" are not ordered by happens-before}}
    amk.copy %h -> %z : memref<64xf32>, memref<64xf32>
  }
  amk.task "use" waits(%e >= 2) signals %d worker 2 queue 1 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}

// -----

// A k-of-n deadlock with an acyclic happens-before graph: "w1" waits for 1 of
// {a, b}; a and b each wait for 1 of {c, d}; c and d are queued after "w1" on
// its worker. amk-oracle: UNSAFE (deadlock).
// expected-error @+1 {{schedule rejected: 1 violation(s)}}
amk.program @k_of_n_deadlock target <"sm_90a", sms = 3> {
  %x = amk.buffer "x" input : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %ab = amk.event "ab"
  %cd = amk.event "cd"
  %d = amk.event "d"
  // expected-error @+1 {{deadlock: 5 of 5 tasks never run (partial waits); stuck: task "w1" on worker 0 waits for event "ab" >= 1 (count 0); task "a" on worker 1 waits for event "cd" >= 1 (count 0); task "b" on worker 2 waits for event "cd" >= 1 (count 0)}}
  amk.task "w1" waits(%ab >= 1) signals %d worker 0 queue 0 {
    amk.copy %x -> %y cols [0, 16) : memref<64xf32>, memref<64xf32>
  }
  amk.task "c" signals %cd worker 0 queue 1 {
    amk.copy %x -> %y cols [16, 32) : memref<64xf32>, memref<64xf32>
  }
  amk.task "d" signals %cd worker 0 queue 2 {
    amk.copy %x -> %y cols [32, 48) : memref<64xf32>, memref<64xf32>
  }
  amk.task "a" waits(%cd >= 1) signals %ab worker 1 queue 0 {
    amk.copy %x -> %y cols [48, 56) : memref<64xf32>, memref<64xf32>
  }
  amk.task "b" waits(%cd >= 1) signals %ab worker 2 queue 0 {
    amk.copy %x -> %y cols [56, 64) : memref<64xf32>, memref<64xf32>
  }
}

// -----

// Exact mode: no producer of "s2" is determined by the 2-of-3 wait, but
// every producer follows "a", so "a" happens before "use" whichever two
// finish first: the read of h is ordered (oracle: SAFE).
amk.program @common_ancestor {
  %w = amk.buffer "w" weight key "w" : memref<64x64xbf16>
  %x = amk.buffer "x" input : memref<64xf32>
  %h = amk.buffer "h" activation : memref<64xf32>
  %y = amk.buffer "y" output : memref<64xf32>
  %z = amk.buffer "z" activation : memref<64xf32>
  %s1 = amk.event "s1"
  %s2 = amk.event "s2"
  %s3 = amk.event "s3"
  amk.task "a" signals %s1 {
    amk.gemv %w, %x -> %h : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r0" waits(%s1 >= 1) signals %s2 {
    amk.gemv %w, %x -> %z cols [0, 32) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r1" waits(%s1 >= 1) signals %s2 {
    amk.gemv %w, %x -> %z cols [32, 64) : memref<64x64xbf16>, memref<64xf32>, memref<64xf32>
  }
  amk.task "r2" waits(%s1 >= 1) signals %s2 {
  }
  amk.task "use" waits(%s2 >= 2) signals %s3 {
    amk.copy %h -> %y : memref<64xf32>, memref<64xf32>
  }
}
