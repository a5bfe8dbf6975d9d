//===- Translations.cpp - --import-amk-json and --export-amk-json ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Target/JSON/AMKJSON.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

/// Source lines longer than this are not echoed whole under a diagnostic.
static constexpr size_t kMaxEchoedLine = 200;

/// "error", "warning", "note" or "remark".
static StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  llvm_unreachable("every severity is named");
}

/// Prints `diag` when it points into a line of `text` (the file `name`)
/// longer than kMaxEchoedLine, with an excerpt around its column instead of
/// the line: a minified schedule is one line of tens of MB. Fails (leaving
/// the diagnostic to the tool's handler) otherwise.
static LogicalResult printOnLongLine(Diagnostic &diag, StringRef text,
                                     StringRef name) {
  auto loc = dyn_cast<FileLineColLoc>(diag.getLocation());
  if (!loc || loc.getFilename() != name || loc.getLine() == 0)
    return failure();
  size_t start = 0;
  for (unsigned line = 1; line < loc.getLine(); ++line) {
    start = text.find('\n', start);
    if (start == StringRef::npos)
      return failure();
    ++start;
  }
  StringRef line = text.slice(start, text.find('\n', start));
  if (line.size() <= kMaxEchoedLine)
    return failure();
  size_t column = std::min<size_t>(loc.getColumn(), line.size() + 1) - 1;
  size_t from = column > 60 ? column - 60 : 0;
  StringRef prefix = from ? "..." : "";
  llvm::errs() << name << ":" << loc.getLine() << ":" << loc.getColumn() << ": "
               << severityName(diag.getSeverity()) << ": " << diag.str() << "\n"
               << prefix << line.substr(from, 120) << "...\n"
               << std::string(prefix.size() + column - from, ' ') << "^\n";
  for (Diagnostic &note : diag.getNotes())
    llvm::errs() << note.getLocation() << ": note: " << note.str() << "\n";
  return success();
}

/// `--amk-json-position=N`: export a position-generic program fixed at N
/// (the format has no symbolic position; the paper tool needs one).
static llvm::cl::opt<int64_t> jsonPosition(
    "amk-json-position",
    llvm::cl::desc("Decode position --export-amk-json fixes a "
                   "position-generic program at (KV_APPEND pos, kv_len)"),
    llvm::cl::init(-1));

void mlir::amk::registerAMKJSONTranslations() {
  TranslateToMLIRRegistration importer(
      "import-amk-json", "Import a JSON schedule (ir_version 0.x)",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
        ScopedDiagnosticHandler longLines(context, [&](Diagnostic &diag) {
          return printOnLongLine(diag, buffer->getBuffer(),
                                 buffer->getBufferIdentifier());
        });
        return OwningOpRef<Operation *>(
            importAMKJSON(buffer->getBuffer(), buffer->getBufferIdentifier(),
                          context)
                .release());
      },
      [](DialectRegistry &registry) { registry.insert<AMKDialect>(); });
  TranslateFromMLIRRegistration exporter(
      "export-amk-json", "Export the amk.program as a JSON schedule",
      [](ModuleOp module, raw_ostream &os) {
        std::optional<int64_t> position;
        if (jsonPosition >= 0)
          position = jsonPosition;
        return exportAMKJSON(module, os, position);
      },
      [](DialectRegistry &registry) { registry.insert<AMKDialect>(); });
}
