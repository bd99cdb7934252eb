#include "cpu/block_info.h"

namespace chemu {

uint32_t instruction_cycles(uint32_t) { return 1; }

BlockInfo analyse_block(std::span<const uint32_t> words) {
  BlockInfo b;
  b.instructions = uint32_t(words.size());
  for (uint32_t w : words) {
    b.cycles += instruction_cycles(w);
    b.wfe |= w == insn::WFE;
    b.sev |= w == insn::SEV;
    b.sevl |= w == insn::SEVL;
    b.eret |= w == insn::ERET;
  }
  b.ends_in_wfi = !words.empty() && words.back() == insn::WFI;
  return b;
}

}  // namespace chemu
