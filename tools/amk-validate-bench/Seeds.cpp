//===- Seeds.cpp - Seed and random programs of the validator benchmark ----===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "Bench.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace amkbench;

namespace {
/// A task before scheduling: its name and body.
struct Tile {
  std::string name, body;
};
using Stage = std::vector<Tile>;

/// How stages are joined.
enum class Join { Events, Barriers, Unassigned };

constexpr const char *kBuffers = R"(
  %p0 = amk.page "p0" bytes 64
  %emb = amk.buffer "emb" weight : memref<32x16xf32>
  %g1 = amk.buffer "g1" weight : memref<16xf32>
  %g2 = amk.buffer "g2" weight : memref<16xf32>
  %gf = amk.buffer "gf" weight : memref<16xf32>
  %wq = amk.buffer "wq" weight : memref<16x16xf32>
  %wk = amk.buffer "wk" weight : memref<8x16xf32>
  %wv = amk.buffer "wv" weight : memref<8x16xf32>
  %wo = amk.buffer "wo" weight : memref<16x16xf32>
  %wg = amk.buffer "wg" weight : memref<32x16xf32>
  %wu = amk.buffer "wu" weight : memref<32x16xf32>
  %wd = amk.buffer "wd" weight : memref<16x32xf32>
  %wl = amk.buffer "wl" weight : memref<32x16xf32>
  %tok = amk.buffer "tok" input : memref<1xi32>
  %pos = amk.buffer "pos" input : memref<1xi32>
  %x = amk.buffer "x" activation : memref<16xf32>
  %xn = amk.buffer "xn" scratch page %p0 : memref<16xf32>
  %xn2 = amk.buffer "xn2" scratch page %p0 : memref<16xf32>
  %xf = amk.buffer "xf" scratch page %p0 : memref<16xf32>
  %q = amk.buffer "q" activation : memref<16xf32>
  %k = amk.buffer "k" activation : memref<8xf32>
  %v = amk.buffer "v" activation : memref<8xf32>
  %kc = amk.buffer "kc" kv_cache : memref<4x1x8xf32>
  %vc = amk.buffer "vc" kv_cache : memref<4x1x8xf32>
  %o = amk.buffer "o" activation : memref<16xf32>
  %x2 = amk.buffer "x2" activation : memref<16xf32>
  %gate = amk.buffer "gate" activation : memref<32xf32>
  %up = amk.buffer "up" activation : memref<32xf32>
  %act = amk.buffer "act" activation : memref<32xf32>
  %x3 = amk.buffer "x3" activation : memref<16xf32>
  %logits = amk.buffer "logits" activation : memref<32xf32>
  %next = amk.buffer "next" output : memref<1xi32>
)";

/// `tiles` column tiles of a projection `out = w @ in (+ res)`.
Stage gemvTiles(const char *name, const char *w, const char *in,
                const char *out, int64_t n, int64_t k, unsigned tiles,
                const char *res = nullptr) {
  Stage stage;
  for (unsigned t = 0; t < tiles; ++t) {
    int64_t lo = n * t / tiles, hi = n * (t + 1) / tiles;
    std::string resText = res ? llvm::formatv(" residual %{0}", res).str() : "";
    std::string resType = res ? llvm::formatv(", memref<{0}xf32>", n).str() : "";
    stage.push_back(
        {llvm::formatv("{0}.t{1}", name, t).str(),
         llvm::formatv("amk.gemv %{0}, %{1} -> %{2} cols [{3}, {4}){5} : "
                       "memref<{6}x{7}xf32>, memref<{7}xf32>, memref<{6}xf32>{8}",
                       w, in, out, lo, hi, resText, n, k, resType)
             .str()});
  }
  return stage;
}

/// A one-task stage.
Stage single(const char *name, std::string body) {
  return {{name, std::move(body)}};
}

Stage concat(Stage a, const Stage &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// `tasks` tasks of `body` (a format string over a head range) that split
/// the two heads between them.
Stage perHead(const char *name, const char *body, unsigned tasks) {
  Stage stage;
  for (unsigned h = 0; h < tasks; ++h)
    stage.push_back({llvm::formatv("{0}.h{1}", name, h).str(),
                     llvm::formatv(body, 2 * h / tasks, 2 * (h + 1) / tasks).str()});
  return stage;
}

/// The stages of one tiny layer plus LM head at `tiles` tiles per matmul.
std::vector<Stage> layerStages(unsigned tiles) {
  unsigned heads = std::min(tiles, 2u);
  std::vector<Stage> stages;
  stages.push_back(single("embed", "amk.embed %emb[%tok] -> %x : memref<32x16xf32>, memref<1xi32>, memref<16xf32>"));
  stages.push_back(single("norm1", "amk.rmsnorm %x, %g1 -> %xn eps 1.0e-05 : memref<16xf32>, memref<16xf32>, memref<16xf32>"));
  stages.push_back(concat(gemvTiles("q", "wq", "xn", "q", 16, 16, tiles),
                          concat(gemvTiles("k", "wk", "xn", "k", 8, 16, 1),
                                 gemvTiles("v", "wv", "xn", "v", 8, 16, 1))));
  stages.push_back(concat(
      perHead("rope.q", "amk.rope %q, %pos -> %q head_dim 8 theta 1.0e+04 heads [{0}, {1}) : memref<16xf32>, memref<1xi32>, memref<16xf32>", heads),
      single("rope.k", "amk.rope %k, %pos -> %k head_dim 8 theta 1.0e+04 : memref<8xf32>, memref<1xi32>, memref<8xf32>")));
  stages.push_back(concat(
      single("append.k", "amk.kv_append %k, %pos -> %kc : memref<8xf32>, memref<1xi32>, memref<4x1x8xf32>"),
      single("append.v", "amk.kv_append %v, %pos -> %vc : memref<8xf32>, memref<1xi32>, memref<4x1x8xf32>")));
  stages.push_back(perHead("attn", "amk.attention %q, %kc, %vc, %pos -> %o heads [{0}, {1}) kv [0, pos + 1) scale 0.35 : memref<16xf32>, memref<4x1x8xf32>, memref<4x1x8xf32>, memref<1xi32>, memref<16xf32>", heads));
  stages.push_back(gemvTiles("oproj", "wo", "o", "x2", 16, 16, tiles, "x"));
  stages.push_back(single("norm2", "amk.rmsnorm %x2, %g2 -> %xn2 eps 1.0e-05 : memref<16xf32>, memref<16xf32>, memref<16xf32>"));
  stages.push_back(concat(gemvTiles("gate", "wg", "xn2", "gate", 32, 16, tiles),
                          gemvTiles("up", "wu", "xn2", "up", 32, 16, tiles)));
  Stage silu;
  for (unsigned t = 0; t < tiles; ++t)
    silu.push_back({llvm::formatv("silu.t{0}", t).str(),
                    llvm::formatv("amk.silu_mul %gate, %up -> %act cols [{0}, {1}) : memref<32xf32>, memref<32xf32>, memref<32xf32>",
                                  32 * t / tiles, 32 * (t + 1) / tiles).str()});
  stages.push_back(silu);
  stages.push_back(gemvTiles("down", "wd", "act", "x3", 16, 32, tiles, "x2"));
  stages.push_back(single("normf", "amk.rmsnorm %x3, %gf -> %xf eps 1.0e-05 : memref<16xf32>, memref<16xf32>, memref<16xf32>"));
  stages.push_back(gemvTiles("lm", "wl", "xf", "logits", 32, 16, tiles));
  stages.push_back(single("argmax", "amk.argmax %logits -> %next : memref<32xf32>, memref<1xi32>"));
  return stages;
}

/// Prints the schedule of `stages` on `workers` workers joined by `join`.
std::string schedule(const std::vector<Stage> &stages, unsigned workers,
                     Join join, unsigned tiles) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "amk.program @layer_t" << tiles << "_w" << workers << "_"
     << (join == Join::Events ? "events" : join == Join::Barriers ? "barriers" : "free");
  if (join != Join::Unassigned)
    os << " target <\"sm_90a\", sms = " << workers << ">";
  os << " {" << kBuffers;
  for (size_t s = 0; s < stages.size(); ++s)
    os << "  %s" << s << " = amk.event \"s" << s << "\"\n";
  std::vector<int64_t> queue(workers, 0);
  unsigned next = 0;
  for (size_t s = 0; s < stages.size(); ++s) {
    for (const Tile &tile : stages[s]) {
      os << "  amk.task \"" << tile.name << "\"";
      if (s > 0 && join != Join::Barriers)
        os << " waits(%s" << s - 1 << " >= " << stages[s - 1].size() << ")";
      os << " signals %s" << s;
      if (join != Join::Unassigned) {
        unsigned w = next++ % workers;
        os << " worker " << w << " queue " << queue[w]++;
      }
      os << " {\n    " << tile.body << "\n  }\n";
    }
    if (join != Join::Barriers || s + 1 == stages.size())
      continue;
    os << "  amk.barrier \"join" << s << "\" slots [";
    for (unsigned w = 0; w < workers; ++w)
      os << (w ? ", " : "") << queue[w]++;
    os << "]\n";
  }
  os << "}\n";
  return text;
}
} // namespace

std::vector<std::string> amkbench::generatedSeeds() {
  std::vector<std::string> seeds;
  for (unsigned tiles : {1u, 2u, 4u}) {
    std::vector<Stage> stages = layerStages(tiles);
    seeds.push_back(schedule(stages, 1, Join::Unassigned, tiles));
    for (unsigned workers : {1u, 2u, 3u, 4u})
      for (Join join : {Join::Events, Join::Barriers})
        seeds.push_back(schedule(stages, workers, join, tiles));
  }
  return seeds;
}

std::string amkbench::randomProgram(Rng &rng) {
  auto pick = [&](unsigned n) { return unsigned(rng() % n); };
  static const char *sources[] = {"in", "a", "b", "c"};
  static const char *dests[] = {"a", "b", "c"};
  unsigned tasks = 2 + pick(5), events = 1 + pick(3), workers = pick(4);
  std::vector<unsigned> signal(tasks), producers(events + 1, 0);
  for (unsigned t = 0; t < tasks; ++t)
    ++producers[signal[t] = pick(events)];
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "amk.program @random {\n"
        "  %p = amk.page \"p\" bytes 32\n"
        "  %in = amk.buffer \"in\" input : memref<8xf32>\n"
        "  %w = amk.buffer \"w\" weight : memref<8x8xf32>\n"
        "  %a = amk.buffer \"a\" activation : memref<8xf32>\n"
        "  %b = amk.buffer \"b\" scratch" << (pick(2) ? " page %p" : "") << " : memref<8xf32>\n"
        "  %c = amk.buffer \"c\" scratch page %p : memref<8xf32>\n"
        "  %out = amk.buffer \"out\" output : memref<8xf32>\n";
  for (unsigned e = 0; e <= events; ++e)
    os << "  %e" << e << " = amk.event \"e" << e << "\"\n";
  // Mostly full waits, sometimes partial or excessive ones.
  auto threshold = [&](unsigned e) {
    return pick(3) ? std::max(1u, producers[e]) : 1 + pick(2);
  };
  std::vector<int64_t> queue(std::max(workers, 1u), 0);
  for (unsigned t = 0; t < tasks; ++t) {
    os << "  amk.task \"t" << t << "\"";
    if (unsigned waits = pick(3)) {
      os << " waits(";
      for (unsigned i = 0; i < waits; ++i) {
        unsigned e = pick(events);
        os << (i ? ", " : "") << "%e" << e << " >= " << threshold(e);
      }
      os << ")";
    }
    os << " signals %e" << signal[t];
    if (workers) {
      unsigned w = pick(workers);
      os << " worker " << w << " queue " << queue[w]++;
    }
    int64_t lo = pick(2) ? 0 : 4, hi = lo == 0 && pick(2) ? 8 : lo + 4;
    const char *src = sources[pick(4)], *dst = dests[pick(3)];
    os << " {\n    ";
    if (pick(2))
      os << "amk.copy %" << src << " -> %" << dst << " cols [" << lo << ", "
         << hi << ") : memref<8xf32>, memref<8xf32>";
    else
      os << "amk.gemv %w, %" << src << " -> %" << dst << " cols [" << lo
         << ", " << hi << ") : memref<8x8xf32>, memref<8xf32>, memref<8xf32>";
    os << "\n  }\n";
  }
  // A final task joins every event and writes the output.
  os << "  amk.task \"out\" waits(";
  for (unsigned e = 0; e < events; ++e)
    os << (e ? ", " : "") << "%e" << e << " >= " << threshold(e);
  os << ") signals %e" << events << " {\n    amk.copy %" << sources[pick(4)]
     << " -> %out : memref<8xf32>, memref<8xf32>\n  }\n}\n";
  return text;
}
