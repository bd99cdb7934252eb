// The host's own walk of a guest's stage-1 page tables (4 KB granule, AArch64 long descriptors).
// Unicorn's memory API takes physical addresses only, so reading guest code or data at a virtual
// address (semihosting arguments, WFE/SEV scans of translated blocks, traces) goes through this.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

namespace chemu {

struct TranslationRegs {
  uint64_t sctlr = 0, tcr = 0, ttbr0 = 0, ttbr1 = 0;
  bool mmu_on() const { return (sctlr & 1) != 0; }
};

// Reads one 64-bit descriptor at a physical address; nullopt if the address is not RAM.
using ReadPhys64 = std::function<std::optional<uint64_t>(uint64_t pa)>;

// Physical address of `va`, or nullopt when the tables do not map it (or use a granule other than 4 KB).
std::optional<uint64_t> translate(const TranslationRegs& regs, uint64_t va, const ReadPhys64& read);

}  // namespace chemu
