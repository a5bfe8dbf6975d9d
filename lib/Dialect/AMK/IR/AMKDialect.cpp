//===- AMKDialect.cpp - The amk dialect, its types and attributes ---------===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#include "AMK/Dialect/AMK/IR/AMKOps.h"
#include "AMK/Dialect/AMK/IR/AMKLimits.h"
#include "AMK/Target/TargetInfo.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::amk;

#include "AMK/Dialect/AMK/IR/AMKOpsDialect.cpp.inc"
#include "AMK/Dialect/AMK/IR/AMKEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "AMK/Dialect/AMK/IR/AMKOpsTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "AMK/Dialect/AMK/IR/AMKAttrs.cpp.inc"

void AMKDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "AMK/Dialect/AMK/IR/AMKOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "AMK/Dialect/AMK/IR/AMKOpsTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "AMK/Dialect/AMK/IR/AMKAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

TargetAttr TargetAttr::lookup(MLIRContext *context, StringRef chip,
                              StringRef product) {
  std::optional<ChipInfo> r = lookupChip(chip, product);
  if (!r)
    return {};
  return TargetAttr::get(context, r->chip, r->name, r->smVersion, r->smCount,
                         r->smemPerBlock, r->l2Bytes, r->hbmGBps);
}

std::string TargetAttr::knownChips() { return knownChipNames(); }

ChipInfo mlir::amk::getChipInfo(TargetAttr target) {
  // The name picks the product for the facts the attribute does not carry
  // (shared memory per SM); any other name keeps the default product's.
  std::optional<ChipInfo> info = lookupChip(target.getChip(), target.getName());
  if (!info)
    info = lookupChip(target.getChip());
  info->name = target.getName();
  info->smCount = target.getSmCount();
  info->smemPerBlock = target.getSmemPerBlock();
  info->l2Bytes = target.getL2Bytes();
  info->hbmGBps = target.getHbmGBps();
  return *info;
}

LogicalResult
TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   StringRef chip, StringRef name, int64_t smVersion,
                   int64_t smCount, int64_t smemPerBlock, int64_t l2Bytes,
                   int64_t hbmGBps) {
  const ArchInfo *record = lookupArch(chip);
  if (!record)
    return emitError() << "unknown chip '" << chip
                       << "'; known chips: " << knownChips();
  if (smVersion != record->smVersion)
    return emitError() << "chip '" << chip << "' is SM version "
                       << record->smVersion << ", not " << smVersion;
  struct Field {
    const char *name;
    int64_t value, max;
  };
  for (Field field : {Field{"sms", smCount, limits::kMaxSMs},
                      Field{"smem", smemPerBlock, limits::kMaxOnChipBytes},
                      Field{"l2", l2Bytes, limits::kMaxOnChipBytes},
                      Field{"hbm_gbps", hbmGBps, limits::kMaxHbmGBps}})
    if (field.value <= 0 || field.value > field.max)
      return emitError() << "target field " << field.name << " = "
                         << field.value << " is outside [1, " << field.max
                         << "]";
  return success();
}

Attribute TargetAttr::parse(AsmParser &parser, Type) {
  std::string chip;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseString(&chip))
    return {};
  TargetAttr base = lookup(parser.getContext(), chip);
  if (!base) {
    parser.emitError(loc) << "unknown chip '" << chip
                          << "'; known chips: " << knownChips();
    return {};
  }
  std::string name = base.getName().str();
  int64_t sms = base.getSmCount(), smem = base.getSmemPerBlock(),
          l2 = base.getL2Bytes(), hbm = base.getHbmGBps();
  llvm::StringSet<> seen;
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(keyLoc) << "target field '" << key << "' given twice";
      return {};
    }
    int64_t *field = llvm::StringSwitch<int64_t *>(key)
                         .Case("sms", &sms)
                         .Case("smem", &smem)
                         .Case("l2", &l2)
                         .Case("hbm_gbps", &hbm)
                         .Default(nullptr);
    ParseResult result = failure();
    if (key == "name")
      result = parser.parseString(&name);
    else if (field)
      result = parser.parseInteger(*field);
    if (failed(result)) {
      parser.emitError(keyLoc) << "expected a target field (name, sms, smem, "
                                  "l2, hbm_gbps) with a value, got '"
                               << key << "'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  // The default product's other spellings (its alias, e.g. `H100`, the name
  // of the one sm_90a record before products) mean the default product, so
  // IR written then prints as it did.
  if (const ProductInfo *first = lookupProduct(chip, {}))
    if (first->isNamed(name))
      name = first->name.str();
  return TargetAttr::getChecked(
      [&] { return parser.emitError(loc); }, parser.getContext(), chip, name,
      base.getSmVersion(), sms, smem, l2, hbm);
}

void TargetAttr::print(AsmPrinter &printer) const {
  TargetAttr base = lookup(getContext(), getChip());
  printer << "<\"" << getChip() << "\"";
  if (getName() != base.getName()) {
    printer << ", name = ";
    printer.printString(getName());
  }
  auto printIfChanged = [&](StringRef key, int64_t value, int64_t builtin) {
    if (value != builtin)
      printer << ", " << key << " = " << value;
  };
  printIfChanged("sms", getSmCount(), base.getSmCount());
  printIfChanged("smem", getSmemPerBlock(), base.getSmemPerBlock());
  printIfChanged("l2", getL2Bytes(), base.getL2Bytes());
  printIfChanged("hbm_gbps", getHbmGBps(), base.getHbmGBps());
  printer << ">";
}

//===----------------------------------------------------------------------===//
// IntervalAttr
//===----------------------------------------------------------------------===//

/// Parses `INT`, `pos`, `pos + INT` or `pos - INT`.
static ParseResult parseBound(AsmParser &parser, int64_t &offset,
                              bool &relative) {
  offset = 0;
  relative = succeeded(parser.parseOptionalKeyword("pos"));
  if (!relative)
    return parser.parseInteger(offset);
  if (succeeded(parser.parseOptionalPlus()))
    return parser.parseInteger(offset);
  if (succeeded(parser.parseOptionalKeyword("-")) ||
      succeeded(parser.parseOptionalMinus())) {
    if (parser.parseInteger(offset))
      return failure();
    offset = -offset;
  }
  return success();
}

/// Parses `bound, bound` into an interval attribute.
static IntervalAttr parseBounds(AsmParser &parser) {
  int64_t lo, hi;
  bool loRel, hiRel;
  if (parseBound(parser, lo, loRel) || parser.parseComma() ||
      parseBound(parser, hi, hiRel))
    return {};
  return IntervalAttr::get(parser.getContext(), lo, loRel, hi, hiRel);
}

/// Prints `bound, bound`.
static void printBounds(AsmPrinter &printer, IntervalAttr attr) {
  raw_ostream &os = printer.getStream();
  printBound(os, Bound{attr.getLo(), attr.getLoRelative()});
  os << ", ";
  printBound(os, Bound{attr.getHi(), attr.getHiRelative()});
}

IntervalAttr IntervalAttr::parseBody(AsmParser &parser) {
  IntervalAttr attr;
  if (parser.parseLSquare() || !(attr = parseBounds(parser)) ||
      parser.parseRParen())
    return {};
  return attr;
}

void IntervalAttr::printBody(AsmPrinter &printer) const {
  printer << "[";
  printBounds(printer, *this);
  printer << ")";
}

// The standalone form is `<lo, hi>`: the pretty-attribute lexer needs
// balanced brackets, so `[lo, hi)` is only used inside op formats.
Attribute IntervalAttr::parse(AsmParser &parser, Type) {
  IntervalAttr attr;
  if (parser.parseLess() || !(attr = parseBounds(parser)) ||
      parser.parseGreater())
    return {};
  return attr;
}

void IntervalAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printBounds(printer, *this);
  printer << ">";
}

//===----------------------------------------------------------------------===//
// Llama3RopeAttr
//===----------------------------------------------------------------------===//

LogicalResult
Llama3RopeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       APFloat factorValue, APFloat lowValue,
                       APFloat highValue, int64_t originalMaxPosition) {
  double factor = factorValue.convertToDouble();
  double lowFreqFactor = lowValue.convertToDouble();
  double highFreqFactor = highValue.convertToDouble();
  if (!(factor > 0) || !(lowFreqFactor > 0))
    return emitError() << "llama3 rope factor and low_freq_factor must be "
                          "positive";
  if (!(highFreqFactor > lowFreqFactor))
    return emitError() << "llama3 rope high_freq_factor (" << highFreqFactor
                       << ") must exceed low_freq_factor (" << lowFreqFactor
                       << ")";
  if (originalMaxPosition <= 0)
    return emitError() << "llama3 rope original_max_position must be positive";
  return success();
}
