// The registers gdb sees for one core, in the order and sizes of the target description this stub
// sends (target_xml()): AArch64 core (x0-x30, sp, pc, cpsr), FP/SIMD (v0-v31, fpsr, fpcr), and the
// system registers a kernel developer asks for. Numbers are gdb's remote register numbers.
#pragma once
#include <optional>
#include <string>

#include "cpu/core.h"

namespace chemu::gdb {

constexpr int kPcRegnum = 32;
int register_count();
// The register's bytes, little-endian (8, 4 or 16 of them); nullopt for a number that does not exist.
// `pc` replaces the engine's PC (inside an instruction hook the engine's copy may lag).
std::optional<std::string> read_register(const Core& core, int regnum, uint64_t pc);
// False when the register does not exist or is not writable from gdb (pc, cpsr, the system registers:
// writing them in the middle of a block would not be seen by the engine).
bool write_register(Core& core, int regnum, std::string_view bytes);
// target.xml: gdb-multiarch accepts it as aarch64.
const std::string& target_xml();

}  // namespace chemu::gdb
