//===- AMKAttrs.td - Attributes of the amk dialect ---------*- tablegen -*-===//
//
// Part of the AMK project.
//
//===----------------------------------------------------------------------===//

#ifndef AMK_DIALECT_AMK_IR_AMKATTRS_TD
#define AMK_DIALECT_AMK_IR_AMKATTRS_TD

include "AMK/Dialect/AMK/IR/AMKDialect.td"
include "AMK/Dialect/AMK/IR/AMKEnums.td"
include "mlir/IR/AttrTypeBase.td"

class AMK_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<AMK_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def AMK_TargetAttr : AMK_Attr<"Target", "target"> {
  let summary = "The GPU a program is scheduled for";
  let description = [{
    A chip record: PTX architecture, product name, SM count (the number of
    co-resident workers), shared memory per block, L2 size and peak HBM
    bandwidth. The architecture (`sm_80`, `sm_90a`, `sm_100a`, `sm_120a`)
    fixes the SM version and the instruction families; the other fields are
    a product's (TargetInfo.h keeps the two apart). The short form names an
    architecture and stands for its default product (A100-80GB, H100-SXM,
    B200, RTX-5090); any field may be overridden, e.g. to schedule for fewer
    SMs or for another product of the architecture (`--amk-set-target`'s
    `product` writes H200 as `name = "H200", hbm_gbps = 4800`). Only fields
    that differ from the default product are printed.

    ```mlir
    #amk.target<"sm_90a">
    #amk.target<"sm_80", sms = 16, l2 = 8388608>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"PTX architecture, e.g. sm_90a">:$chip,
    StringRefParameter<"marketing name, e.g. H100">:$name,
    "int64_t":$smVersion,
    "int64_t":$smCount,
    "int64_t":$smemPerBlock,
    "int64_t":$l2Bytes,
    "int64_t":$hbmGBps
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Returns the built-in record of `chip`'s product `product` (default:
    /// the architecture's first), or a null attribute.
    static TargetAttr lookup(::mlir::MLIRContext *context, ::llvm::StringRef chip,
                             ::llvm::StringRef product = {});
    /// Returns the names of the built-in chips, comma separated.
    static std::string knownChips();
    /// Peak HBM bandwidth in bytes per second.
    double getBytesPerSecond() const { return double(getHbmGBps()) * 1e9; }
  }];
}

def AMK_IntervalAttr : AMK_Attr<"Interval", "interval"> {
  let summary = "A half-open index range whose bounds may follow the decode position";
  let description = [{
    The half-open range `[lo, hi)` on one dimension, written `<lo, hi>` on
    its own and `[lo, hi)` inside op formats. Each bound is a constant or
    `pos + c`, where `pos` is this step's decode position (a run-time value;
    the validator reasons about it symbolically, a program's `position`
    attribute fixes it).

    ```mlir
    #amk.interval<0, 256>
    #amk.interval<0, pos + 1>
    ```
  }];
  let parameters = (ins "int64_t":$lo, "bool":$loRelative,
                        "int64_t":$hi, "bool":$hiRelative);
  let hasCustomAssemblyFormat = 1;
  let builders = [
    AttrBuilder<(ins "int64_t":$lo, "int64_t":$hi), [{
      return $_get($_ctxt, lo, false, hi, false);
    }]>
  ];
  let extraClassDeclaration = [{
    /// True when neither bound depends on the decode position.
    bool isConstant() const { return !getLoRelative() && !getHiRelative(); }
    /// Number of indices of a constant interval.
    int64_t size() const { return getHi() - getLo(); }
    /// Prints `[lo, hi)` without the attribute wrapper.
    void printBody(::mlir::AsmPrinter &printer) const;
    /// Parses `[lo, hi)` without the attribute wrapper.
    static IntervalAttr parseBody(::mlir::AsmParser &parser);
  }];
}

/// A double-precision attribute parameter, printed and parsed as a float.
def AMK_F64Param : APFloatParameter<"a double-precision value"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if (::mlir::failed($_parser.parseFloat(value)))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = [{ $_printer << $_self.convertToDouble() }];
}

def AMK_Llama3RopeAttr : AMK_Attr<"Llama3Rope", "llama3"> {
  let summary = "Llama 3 frequency scaling of rotary embeddings";
  let description = [{
    The `llama3` rope type of HuggingFace: low frequencies are divided by
    `factor`, high ones kept, the band between interpolated.

    ```mlir
    #amk.llama3<factor = 32.0, low_freq_factor = 1.0, high_freq_factor = 4.0,
                original_max_position = 8192>
    ```
  }];
  let parameters = (ins AMK_F64Param:$factor, AMK_F64Param:$low_freq_factor,
                        AMK_F64Param:$high_freq_factor,
                        "int64_t":$original_max_position);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // AMK_DIALECT_AMK_IR_AMKATTRS_TD
