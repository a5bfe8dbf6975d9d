//===- TranslateToPTX.cpp - The --to-ptx translation ----------------------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//
//
// gpu.module -> LLVM dialect (buildLowerToNVVMPipeline) -> LLVM IR -> libdevice
// linked when needed -> internalized, -O3 -> NVPTX assembly for the module's
// chip. The PTX ISA version comes from the chip table (TargetInfo.h).
//
//===----------------------------------------------------------------------===//

#include "AMK/Target/PTX/TranslateToPTX.h"
#include "AMK/Support/TableHash.h"
#include "AMK/Target/TargetInfo.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/Internalize.h"

#include <cstdlib>

using namespace mlir;

/// Where libdevice lives in the CUDA toolkit.
static constexpr llvm::StringLiteral kDefaultLibdevice =
    "/usr/local/cuda/nvvm/libdevice/libdevice.10.bc";

/// The `-o` argument amk-translate handed over, empty for the output stream.
static std::string &ptxOutputPath() {
  static std::string path;
  return path;
}

void mlir::amk::setPTXOutputPath(llvm::StringRef path) {
  ptxOutputPath() = path.str();
}

namespace {
/// Options of `--to-ptx`.
struct PTXOptions {
  /// libdevice path; empty means `$AMK_LIBDEVICE`, then the CUDA default.
  std::string libdevice;
};

/// The chip and PTX features one gpu.module is compiled for.
struct PTXTarget {
  std::string chip;
  std::string features;
};
} // namespace

/// Returns the PTX ISA version of a `+ptxNN` feature list, or 0.
static unsigned ptxVersion(llvm::StringRef features) {
  unsigned best = 0;
  for (llvm::StringRef feature : llvm::split(features, ',')) {
    unsigned version = 0;
    if (feature.trim().consume_front("+ptx") &&
        !feature.trim().getAsInteger(10, version))
      best = std::max(best, version);
  }
  return best;
}

/// Returns the only gpu.module of `module`, or fails naming the problem.
static FailureOr<gpu::GPUModuleOp> findGPUModule(ModuleOp module) {
  auto gpuModules = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
  if (gpuModules.size() != 1)
    return emitError(module.getLoc(),
                     "--to-ptx expects exactly one gpu.module, found ")
           << gpuModules.size();
  return gpuModules.front();
}

/// Reads the chip of the module's `#nvvm.target`, checks it against the chip
/// table and picks the PTX features: the table's, or the module's when it
/// asks for a newer PTX ISA.
static FailureOr<PTXTarget> findTarget(gpu::GPUModuleOp gpuModule) {
  NVVM::NVVMTargetAttr nvvmTarget;
  if (ArrayAttr targets = gpuModule.getTargetsAttr())
    for (Attribute target : targets)
      if ((nvvmTarget = dyn_cast<NVVM::NVVMTargetAttr>(target)))
        break;
  if (!nvvmTarget)
    return emitError(gpuModule.getLoc(),
                     "--to-ptx needs an #nvvm.target on gpu.module @")
           << gpuModule.getName();
  const mlir::amk::ArchInfo *info = mlir::amk::lookupArch(nvvmTarget.getChip());
  if (!info)
    return emitError(gpuModule.getLoc(), "#nvvm.target chip '")
           << nvvmTarget.getChip() << "' is not one of "
           << mlir::amk::knownChipNames();
  PTXTarget target{info->chip.str(), info->ptxFeatures.str()};
  if (ptxVersion(nvvmTarget.getFeatures()) > ptxVersion(info->ptxFeatures))
    target.features = nvvmTarget.getFeatures().str();
  return target;
}

/// Creates the NVPTX target machine for `target`.
static FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(Operation *anchor, const PTXTarget &target) {
  static bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return emitError(anchor->getLoc(), "the NVPTX backend is unavailable: ")
           << error;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.chip, target.features, llvm::TargetOptions(),
      std::nullopt, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return emitError(anchor->getLoc(),
                     "cannot create an NVPTX target machine for ")
           << target.chip;
  return machine;
}

/// True when `module` calls a libdevice (`__nv_*`) function.
static bool needsLibdevice(const llvm::Module &module) {
  return llvm::any_of(module.functions(), [](const llvm::Function &function) {
    return function.isDeclaration() && function.getName().starts_with("__nv_");
  });
}

/// Links the libdevice functions `module` uses into it.
static LogicalResult linkLibdevice(Operation *anchor, llvm::Module &module,
                                   const PTXOptions &options) {
  std::string path = options.libdevice;
  if (path.empty())
    if (const char *env = std::getenv("AMK_LIBDEVICE"))
      path = env;
  if (path.empty())
    path = kDefaultLibdevice.str();
  if (!llvm::sys::fs::exists(path))
    return emitError(anchor->getLoc(),
                     "the kernel calls libdevice math functions but "
                     "libdevice is missing at '")
           << path << "' (set --libdevice or AMK_LIBDEVICE)";
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> library =
      llvm::parseIRFile(path, diagnostic, module.getContext());
  if (!library)
    return emitError(anchor->getLoc(), "cannot read libdevice '")
           << path << "': " << diagnostic.getMessage();
  library->setTargetTriple(module.getTargetTriple());
  library->setDataLayout(module.getDataLayout());
  if (llvm::Linker::linkModules(module, std::move(library),
                                llvm::Linker::Flags::LinkOnlyNeeded))
    return emitError(anchor->getLoc(), "cannot link libdevice '")
           << path << "'";
  return success();
}

/// Keeps only the kernels visible, then runs the -O3 pipeline.
static void optimize(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::internalizeModule(module, [](const llvm::GlobalValue &value) {
    const auto *function = dyn_cast<llvm::Function>(&value);
    return function &&
           function->getCallingConv() == llvm::CallingConv::PTX_Kernel;
  });
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgscc;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgscc);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgscc, modules);
  builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3)
      .run(module, modules);
}

/// Emits `module` as PTX text.
static FailureOr<std::string> emitPTX(Operation *anchor, llvm::Module &module,
                                      llvm::TargetMachine &machine) {
  llvm::SmallString<0> ptx;
  llvm::raw_svector_ostream stream(ptx);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, stream, nullptr,
                                  llvm::CodeGenFileType::AssemblyFile))
    return emitError(anchor->getLoc(),
                     "the NVPTX backend cannot emit assembly");
  codegen.run(module);
  return std::string(ptx);
}

/// Collects LLVM's error diagnostics (instead of printing and going on).
static void collectLLVMErrors(const llvm::DiagnosticInfo *info,
                              void *context) {
  if (info->getSeverity() != llvm::DS_Error)
    return;
  std::string message;
  llvm::raw_string_ostream stream(message);
  llvm::DiagnosticPrinterRawOStream printer(stream);
  info->print(printer);
  static_cast<std::string *>(context)->append(message + "\n");
}

/// The whole translation of `gpuModule` (already in the LLVM dialect).
static FailureOr<std::string> gpuModuleToPTX(gpu::GPUModuleOp gpuModule,
                                             const PTXTarget &target,
                                             const PTXOptions &options) {
  llvm::LLVMContext context;
  std::string llvmErrors;
  context.setDiagnosticHandlerCallBack(collectLLVMErrors, &llvmErrors);
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(gpuModule, context, gpuModule.getName());
  if (!module)
    return emitError(gpuModule.getLoc(), "cannot translate gpu.module @")
           << gpuModule.getName() << " to LLVM IR";
  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(gpuModule, target);
  if (failed(machine))
    return failure();
  module->setTargetTriple((*machine)->getTargetTriple());
  module->setDataLayout((*machine)->createDataLayout());
  if (needsLibdevice(*module) &&
      failed(linkLibdevice(gpuModule, *module, options)))
    return failure();
  optimize(*module, **machine);
  FailureOr<std::string> ptx = emitPTX(gpuModule, *module, **machine);
  if (!llvmErrors.empty())
    return emitError(gpuModule.getLoc(), "NVPTX code generation for ")
           << target.chip << " failed: " << llvm::StringRef(llvmErrors).trim();
  return ptx;
}

/// Writes `text` to `path` through a temporary file renamed into place.
static LogicalResult writeAtomically(Operation *anchor, llvm::StringRef path,
                                     llvm::StringRef text) {
  llvm::Error error =
      llvm::writeToOutput(path, [&](llvm::raw_ostream &os) -> llvm::Error {
        os << text;
        return llvm::Error::success();
      });
  if (error)
    return emitError(anchor->getLoc(), "cannot write '")
           << path << "': " << llvm::toString(std::move(error));
  return success();
}

/// The manifest object \p manifest with `"ptx_hash"` (of \p ptx, the file's
/// text) as its first member; the rest of the text is kept byte for byte.
static std::string withPtxHash(llvm::StringRef manifest, llvm::StringRef ptx) {
  llvm::StringRef rest = manifest.ltrim().drop_front();
  std::string hash =
      ::amk::support::ptxHash(std::string_view(ptx.data(), ptx.size()));
  return "{\"ptx_hash\": \"" + hash + "\"" +
         (rest.ltrim().starts_with("}") ? "" : ", ") + rest.str();
}

/// `--to-ptx`: lowers, translates and writes the PTX (and the manifest).
static LogicalResult translateToPTX(ModuleOp module, llvm::raw_ostream &output,
                                    const PTXOptions &options) {
  FailureOr<gpu::GPUModuleOp> gpuModule = findGPUModule(module);
  if (failed(gpuModule))
    return failure();
  FailureOr<PTXTarget> target = findTarget(*gpuModule);
  if (failed(target))
    return failure();
  auto manifest = (*gpuModule)->getAttrOfType<StringAttr>("amk.manifest");
  if (Attribute raw = (*gpuModule)->getAttr("amk.manifest"); raw && !manifest)
    return emitError(gpuModule->getLoc(),
                     "amk.manifest must be a string attribute");
  int64_t dynamicSmem = 0, block = 0;
  if (manifest) {
    llvm::Expected<llvm::json::Value> parsed =
        llvm::json::parse(manifest.getValue());
    if (!parsed)
      return emitError(gpuModule->getLoc(), "amk.manifest is not valid JSON: ")
             << llvm::toString(parsed.takeError());
    const llvm::json::Object *object = parsed->getAsObject();
    if (!object)
      return emitError(gpuModule->getLoc(),
                       "amk.manifest must be a JSON object");
    dynamicSmem = object->getInteger("dynamic_smem").value_or(0);
    block = object->getInteger("block").value_or(0);
  }
  // The PTX depends on the architecture only, never on the product.
  const mlir::amk::ArchInfo &chip = *mlir::amk::lookupArch(target->chip);
  if (dynamicSmem > chip.smemPerBlock)
    return emitError(gpuModule->getLoc(), "the manifest's dynamic_smem (")
           << dynamicSmem << " bytes) exceeds " << chip.chip << "'s "
           << chip.smemPerBlock << " bytes of shared memory per block";

  PassManager pm(module.getContext());
  mlir::amk::buildLowerToNVVMPipeline(pm);
  if (failed(pm.run(module)))
    return failure();
  FailureOr<std::string> ptx = gpuModuleToPTX(*gpuModule, *target, options);
  if (failed(ptx))
    return failure();

  // Facts `scripts/check-ptx.sh` checks ptxas's report against.
  std::string text =
      llvm::formatv("// amk-chip: {0}\n"
                    "// amk-smem-limit: {1}\n"
                    "// amk-dynamic-smem: {2}\n"
                    "// amk-registers-per-sm: {3}\n"
                    "// amk-block: {4}\n",
                    chip.chip, chip.smemPerBlock, dynamicSmem,
                    chip.registersPerSM, block)
          .str() +
      *ptx;
  const std::string &path = ptxOutputPath();
  if (path.empty()) {
    output << text;
    return success();
  }
  // The manifest first: once X.ptx appears, the X.manifest.json beside it is
  // the one that belongs to it.
  if (manifest) {
    llvm::SmallString<256> manifestPath(path);
    llvm::sys::path::replace_extension(manifestPath, "manifest.json");
    if (failed(writeAtomically(*gpuModule, manifestPath,
                               withPtxHash(manifest.getValue(), text) + "\n")))
      return failure();
  }
  return writeAtomically(*gpuModule, path, text);
}

void mlir::amk::registerToPTXTranslation() {
  static llvm::cl::opt<std::string> libdevice(
      "libdevice",
      llvm::cl::desc("--to-ptx: libdevice bitcode to link when the kernel "
                     "calls __nv_* math functions (default: $AMK_LIBDEVICE, "
                     "then /usr/local/cuda/nvvm/libdevice/libdevice.10.bc)"),
      llvm::cl::init(""));
  TranslateFromMLIRRegistration registration(
      "to-ptx",
      "Translate the gpu.module of a lowered megakernel to PTX for its "
      "#nvvm.target chip (with -o X.ptx, also writes X.manifest.json)",
      [](ModuleOp module, llvm::raw_ostream &output) -> LogicalResult {
        return translateToPTX(module, output, PTXOptions{libdevice});
      },
      [](DialectRegistry &registry) { registerPTXDialects(registry); });
}
