#include "cpu/exception.h"

namespace chemu {

std::string_view exception_class_name(uint32_t ec) {
  switch (ec) {
    case 0x00: return "unknown";
    case 0x01: return "wfx";
    case 0x07: return "fp-access";
    case 0x0e: return "illegal-state";
    case 0x15: return "svc64";
    case 0x16: return "hvc64";
    case 0x17: return "smc64";
    case 0x18: return "sysreg";
    case 0x20: return "iabort-lower";
    case 0x21: return "iabort-same";
    case 0x22: return "pc-align";
    case 0x24: return "dabort-lower";
    case 0x25: return "dabort-same";
    case 0x26: return "sp-align";
    case 0x2c: return "fp-exception";
    case 0x2f: return "serror";
    case 0x3c: return "brk";
    default: return "other";
  }
}

}  // namespace chemu
