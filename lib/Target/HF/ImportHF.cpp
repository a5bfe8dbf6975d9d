//===- ImportHF.cpp - HuggingFace checkpoint to amk.program ---------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/HF/ImportHF.h"
#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Checkpoint/HFConfig.h"
#include "AMK/Checkpoint/ModelSpec.h"

#include "mlir/IR/Builders.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>

using namespace mlir;
using namespace mlir::amk;
namespace hf = ::amk::import;

namespace {

/// Builds a naive schedule: every task signals its own event and waits on
/// the events of the tasks it depends on. Dependencies come from the access
/// interface at whole-buffer granularity: a read waits on the last writer
/// (RAW); a write waits on the last writer (WAW) and on every reader since
/// (WAR). The result is valid by construction and fully sequentialized along
/// dataflow.
class ScheduleBuilder {
public:
  ScheduleBuilder(ProgramOp program)
      : builder(program.getContext()), loc(program.getLoc()),
        program(program) {
    builder.setInsertionPointToEnd(program.getBody());
  }

  /// Declares a buffer. Buffers must be declared before the first task.
  Value buffer(StringRef name, BufferKind kind, ArrayRef<int64_t> shape,
               Type elementType, StringRef key = {}) {
    auto type = MemRefType::get(shape, elementType);
    return BufferOp::create(builder, loc, type, builder.getStringAttr(name),
                            kind, key.empty() ? StringAttr()
                                              : builder.getStringAttr(key),
                            Value());
  }

  /// Creates task `name` whose body `emitBody` builds, with its own event.
  void task(StringRef name, function_ref<void(OpBuilder &)> emitBody) {
    Value event = declareEvent(name);
    auto task = TaskOp::create(builder, loc, name, {}, {}, event);
    OpBuilder bodyBuilder = OpBuilder::atBlockEnd(&task.getBodyBlock());
    emitBody(bodyBuilder);
    llvm::SetVector<Value> waits = dependencies(task, event);
    task.getWaitsMutable().assign(waits.getArrayRef());
    task.setThresholds(SmallVector<int64_t>(waits.size(), 1));
  }

  Location getLoc() const { return loc; }

private:
  /// Events go before the first task so that any task may wait on any event.
  Value declareEvent(StringRef name) {
    OpBuilder::InsertionGuard guard(builder);
    if (firstTask)
      builder.setInsertionPoint(firstTask);
    auto event = EventOp::create(builder, loc, name);
    if (!firstTask)
      firstTask = event->getNextNode();
    return event;
  }

  /// The events `task` (signalling `self`) must wait on; updates the
  /// last-writer and reader tables.
  llvm::SetVector<Value> dependencies(TaskOp task, Value self) {
    if (!firstTask)
      firstTask = task;
    SmallVector<Access> accesses;
    task.forEachAccess(
        [&](Operation *, const Access &access) { accesses.push_back(access); });
    llvm::SetVector<Value> waits;
    for (const Access &access : accesses) {
      if (Value writer = lastWriter.lookup(access.buffer))
        waits.insert(writer);
      if (access.isWrite())
        waits.insert(readers[access.buffer].begin(),
                     readers[access.buffer].end());
    }
    for (const Access &access : accesses) {
      if (!access.isWrite()) {
        readers[access.buffer].insert(self);
        continue;
      }
      lastWriter[access.buffer] = self;
      readers[access.buffer].clear();
    }
    waits.remove(self);
    return waits;
  }

  OpBuilder builder;
  Location loc;
  ProgramOp program;
  Operation *firstTask = nullptr;
  DenseMap<Value, Value> lastWriter;
  DenseMap<Value, llvm::SetVector<Value>> readers;
};

/// Emits the decode step of one Llama-family model.
class ModelEmitter {
public:
  ModelEmitter(ProgramOp program, const hf::ModelConfig &config,
               Type weightType, Type kvType, int64_t kvRows)
      : sched(program), config(config), weightType(weightType),
        kvType(kvType), f32(Float32Type::get(program.getContext())),
        i32(IntegerType::get(program.getContext(), 32)), kvRows(kvRows) {}

  void emit() {
    declareBuffers();
    emitEmbedding();
    for (int64_t layer = 0; layer < config.numLayers; ++layer)
      emitLayer(layer);
    emitHead();
  }

private:
  std::string layerKey(int64_t layer, StringRef suffix) {
    return ("model.layers." + Twine(layer) + "." + suffix).str();
  }
  std::string act(int64_t layer, StringRef name) {
    return ("layers." + Twine(layer) + "." + name).str();
  }

  void declareBuffers() {
    tokens = sched.buffer("tokens", BufferKind::Input, {1}, i32);
    position = sched.buffer("pos", BufferKind::Input, {1}, i32);
    logits = sched.buffer("logits", BufferKind::Output, {config.vocabSize}, f32);
    nextToken = sched.buffer("next_token", BufferKind::Output, {1}, i32);
    for (const hf::ExpectedTensor &tensor : hf::expectedTensors(config))
      weights[tensor.name] = sched.buffer(tensor.name, BufferKind::Weight,
                                          tensor.shape, weightType,
                                          tensor.name);
    int64_t kvWidth = config.numKVHeads * config.headDim;
    for (int64_t layer = 0; layer < config.numLayers; ++layer) {
      for (StringRef cache : {"k_cache", "v_cache"})
        activations[act(layer, cache)] = sched.buffer(
            act(layer, cache), BufferKind::KVCache,
            {kvRows, config.numKVHeads, config.headDim}, kvType);
      int64_t qWidth = config.numHeads * config.headDim;
      std::pair<StringRef, int64_t> vectors[] = {
          {"x", config.hiddenSize},      {"xn", config.hiddenSize},
          {"q", qWidth},                 {"k", kvWidth},
          {"v", kvWidth},                {"attn", qWidth},
          {"o", config.hiddenSize},      {"h", config.hiddenSize},
          {"hn", config.hiddenSize},     {"gate", config.intermediateSize},
          {"up", config.intermediateSize}, {"act", config.intermediateSize},
          {"down", config.hiddenSize}};
      for (auto [name, width] : vectors)
        activations[act(layer, name)] = sched.buffer(
            act(layer, name), BufferKind::Activation, {width}, f32);
    }
    for (StringRef name : {"x_final", "xn_final"})
      activations[name] = sched.buffer(name, BufferKind::Activation,
                                       {config.hiddenSize}, f32);
  }

  /// The residual stream entering `layer` (the last layer's exit is
  /// `x_final`).
  Value residual(int64_t layer) {
    return layer == config.numLayers ? activations["x_final"]
                                     : activations[act(layer, "x")];
  }

  void emitEmbedding() {
    sched.task("embed", [&](OpBuilder &b) {
      EmbedOp::create(b, sched.getLoc(), weights["model.embed_tokens.weight"],
                      tokens, residual(0));
    });
  }

  void rmsnorm(StringRef task, Value input, Value weight, Value output,
               std::optional<int64_t> headDim = std::nullopt) {
    sched.task(task, [&](OpBuilder &b) {
      RMSNormOp::create(b, sched.getLoc(), input, weight, output,
                        b.getF64FloatAttr(config.rmsNormEps),
                        headDim ? b.getI64IntegerAttr(*headDim) : IntegerAttr(),
                        IntervalAttr());
    });
  }

  /// A full projection `output = W input (+ bias)` of `layer`'s `proj`.
  void projection(StringRef task, StringRef weightKey, Value input,
                  Value output, bool hasBias) {
    Value bias;
    if (hasBias)
      bias = weights[(StringRef(weightKey).drop_back(strlen("weight")) + "bias")
                         .str()];
    Value weight = weights[weightKey.str()];
    sched.task(task, [&](OpBuilder &b) {
      GemvOp::create(b, sched.getLoc(), weight, input, output, bias, Value(),
                     IntervalAttr());
    });
  }

  void rope(StringRef task, Value vector) {
    Llama3RopeAttr llama3;
    const hf::RopeConfig &r = config.rope;
    MLIRContext *ctx = vector.getContext();
    if (r.type == hf::RopeType::Llama3)
      llama3 = Llama3RopeAttr::get(ctx, APFloat(r.factor),
                                   APFloat(r.lowFreqFactor),
                                   APFloat(r.highFreqFactor),
                                   r.originalMaxPositionEmbeddings);
    sched.task(task, [&](OpBuilder &b) {
      RopeOp::create(b, sched.getLoc(), vector, position, vector,
                     b.getI64IntegerAttr(config.headDim),
                     b.getF64FloatAttr(r.theta), IntervalAttr(), llama3);
    });
  }

  void emitAttention(int64_t layer) {
    auto a = [&](StringRef name) { return activations[act(layer, name)]; };
    auto w = [&](StringRef suffix) { return layerKey(layer, suffix); };
    std::string p = act(layer, "");
    rmsnorm(p + "input_norm", residual(layer),
            weights[w("input_layernorm.weight")], a("xn"));
    projection(p + "q_proj", w("self_attn.q_proj.weight"), a("xn"), a("q"),
               config.qkvBias);
    projection(p + "k_proj", w("self_attn.k_proj.weight"), a("xn"), a("k"),
               config.qkvBias);
    projection(p + "v_proj", w("self_attn.v_proj.weight"), a("xn"), a("v"),
               config.qkvBias);
    if (config.qkNorm) {
      rmsnorm(p + "q_norm", a("q"), weights[w("self_attn.q_norm.weight")],
              a("q"), config.headDim);
      rmsnorm(p + "k_norm", a("k"), weights[w("self_attn.k_norm.weight")],
              a("k"), config.headDim);
    }
    rope(p + "q_rope", a("q"));
    rope(p + "k_rope", a("k"));
    for (auto [task, input, cache] :
         {std::tuple<StringRef, StringRef, StringRef>{"k_append", "k",
                                                      "k_cache"},
          {"v_append", "v", "v_cache"}})
      sched.task(p + task.str(), [&](OpBuilder &b) {
        KVAppendOp::create(b, sched.getLoc(), a(input), position, a(cache),
                           IntervalAttr(), IntegerAttr());
      });
    sched.task(p + "attention", [&](OpBuilder &b) {
      auto kv = IntervalAttr::get(b.getContext(), 0, false, 1, true);
      IntegerAttr window;
      if (config.slidingWindow)
        window = b.getI64IntegerAttr(*config.slidingWindow);
      AttentionOp::create(b, sched.getLoc(), a("q"), a("k_cache"),
                          a("v_cache"), position, a("attn"), Value(),
                          IntegerAttr(), IntervalAttr(), kv,
                          b.getF64FloatAttr(1.0 / std::sqrt(double(
                                                      config.headDim))),
                          window);
    });
    projection(p + "o_proj", w("self_attn.o_proj.weight"), a("attn"), a("o"),
               config.oProjBias);
    add(p + "attn_residual", residual(layer), a("o"), a("h"));
  }

  void add(StringRef task, Value lhs, Value rhs, Value output) {
    sched.task(task, [&](OpBuilder &b) {
      AddOp::create(b, sched.getLoc(), lhs, rhs, output, IntervalAttr());
    });
  }

  void emitLayer(int64_t layer) {
    emitAttention(layer);
    auto a = [&](StringRef name) { return activations[act(layer, name)]; };
    auto w = [&](StringRef suffix) { return layerKey(layer, suffix); };
    std::string p = act(layer, "");
    rmsnorm(p + "post_norm", a("h"),
            weights[w("post_attention_layernorm.weight")], a("hn"));
    projection(p + "gate_proj", w("mlp.gate_proj.weight"), a("hn"),
               a("gate"), false);
    projection(p + "up_proj", w("mlp.up_proj.weight"), a("hn"), a("up"),
               false);
    sched.task(p + "silu_mul", [&](OpBuilder &b) {
      SiluMulOp::create(b, sched.getLoc(), a("gate"), a("up"), a("act"),
                        IntervalAttr());
    });
    projection(p + "down_proj", w("mlp.down_proj.weight"), a("act"),
               a("down"), false);
    add(p + "mlp_residual", a("h"), a("down"), residual(layer + 1));
  }

  void emitHead() {
    rmsnorm("final_norm", activations["x_final"], weights["model.norm.weight"],
            activations["xn_final"]);
    StringRef head = config.tieWordEmbeddings ? "model.embed_tokens.weight"
                                              : "lm_head.weight";
    projection("lm_head", head, activations["xn_final"], logits, false);
    sched.task("argmax", [&](OpBuilder &b) {
      ArgmaxOp::create(b, sched.getLoc(), logits, nextToken);
    });
  }

  ScheduleBuilder sched;
  const hf::ModelConfig &config;
  Type weightType, kvType, f32, i32;
  int64_t kvRows;
  Value tokens, position, logits, nextToken;
  llvm::StringMap<Value> weights, activations;
};

/// The KV cache element type `name` names ("f32", "f16", "bf16"), the
/// weights' type when `name` is empty, or null when unknown.
Type kvElementType(StringRef name, Type weightType) {
  Builder builder(weightType.getContext());
  return llvm::StringSwitch<Type>(name)
      .Cases({"", "f32"}, builder.getF32Type())
      .Case("f16", builder.getF16Type())
      .Case("bf16", builder.getBF16Type())
      .Default(Type());
}

/// The MLIR element type of a checkpoint dtype.
Type elementType(hf::DType dtype, MLIRContext *context) {
  Builder builder(context);
  switch (dtype) {
  case hf::DType::F16:
    return builder.getF16Type();
  case hf::DType::BF16:
    return builder.getBF16Type();
  default:
    return builder.getF32Type();
  }
}

} // namespace

OwningOpRef<ModuleOp> mlir::amk::importHFCheckpoint(
    StringRef dir, MLIRContext *context, const ImportHFOptions &options) {
  context->loadDialect<AMKDialect>();
  SmallString<256> configPath(dir);
  llvm::sys::path::append(configPath, "config.json");
  // Diagnostics of the import library already start with the file name.
  Location loc = UnknownLoc::get(context);
  auto fail = [&](llvm::Error error) -> OwningOpRef<ModuleOp> {
    emitError(loc) << llvm::toString(std::move(error));
    return {};
  };
  llvm::Expected<hf::ModelConfig> config = hf::readModelConfig(configPath);
  if (!config)
    return fail(config.takeError());
  llvm::Expected<hf::Checkpoint> checkpoint = hf::readCheckpoint(dir);
  if (!checkpoint)
    return fail(checkpoint.takeError());
  llvm::Expected<hf::CheckedWeights> checked =
      hf::checkWeights(*config, *checkpoint);
  if (!checked)
    return fail(checked.takeError());
  int64_t kvRows = options.kvRows;
  if (kvRows < 0 || kvRows > limits::kMaxPosition) {
    emitError(loc) << "--kv-rows must be in [1, " << limits::kMaxPosition
                   << "] (decode positions are i32), got " << kvRows;
    return {};
  }
  if (kvRows == 0)
    kvRows = std::min<int64_t>(config->maxPositionEmbeddings, 4096);

  Type weightType = elementType(checked->dtype, context);
  Type kvType = kvElementType(options.kvDType, weightType);
  if (!kvType) {
    emitError(loc) << "--kv-dtype must be f32, f16 or bf16, got '"
                   << options.kvDType << "'";
    return {};
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());
  StringRef name = llvm::sys::path::filename(
      llvm::sys::path::remove_leading_dotslash(dir));
  auto program = ProgramOp::create(builder, loc, name.empty() ? "model" : name);
  ModelEmitter(program, *config, weightType, kvType, kvRows).emit();
  return module;
}

void mlir::amk::registerImportHFTranslation() {
  // Declared here, not at namespace scope, so that the options exist only in
  // tools that register the translation.
  static llvm::cl::opt<int64_t> clKVRows(
      "kv-rows",
      llvm::cl::desc("KV cache rows per layer for --import-hf "
                     "(default: min(max_position_embeddings, 4096))"),
      llvm::cl::init(0));
  static llvm::cl::opt<std::string> clKVDType(
      "kv-dtype",
      llvm::cl::desc("KV cache element type for --import-hf: f32, f16 or bf16 "
                     "(default: f32, which keeps HF's fp32 reference exactly)"),
      llvm::cl::init(""));
  TranslateToMLIRRegistration registration(
      "import-hf",
      "Import a HuggingFace checkpoint directory (config.json + safetensors)",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context) {
        StringRef input =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
                ->getBufferIdentifier();
        ImportHFOptions options;
        options.kvRows = clKVRows;
        options.kvDType = clKVDType;
        return importHFCheckpoint(llvm::sys::path::parent_path(input),
                                  context, options);
      },
      [](DialectRegistry &registry) { registry.insert<AMKDialect>(); });
}
