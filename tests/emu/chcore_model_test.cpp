// The ChCore model's load-time checks: what it accepts as a ChCore kernel, and how it names syscalls.
#include "guest/chcore_model.h"

#include <gtest/gtest.h>

#include "machine/machine.h"

namespace chemu {
namespace {

constexpr uint64_t kKbase = 0xffffff0000000000ull;

// A fake kernel image in RAM: code at 0x90000, data at 0x100000, with the symbols a ChCore kernel has.
struct FakeKernel {
  GuestRam ram;
  Symbols symbols;
  Tracer tracer;
  FakeKernel() {
    symbols.add_segment({kKbase + 0x90000, 0x90000, 0x10000, true});
    symbols.add_segment({kKbase + 0x100000, 0x100000, 0x10000, false});
    symbols.add({kKbase + 0x100000, 32, "current_threads", false});
    symbols.add({kKbase + 0x100100, 4 * 0xa0, "idle_threads", false});
    symbols.add({kKbase + 0x90000, 0x40, "sys_putstr", true});
    symbols.add({kKbase + 0x90040, 0x40, "sys_yield", true});
    symbols.add({kKbase + 0x90100, 4, "a0<&(sys_yield())>", true});
  }
  void put64(uint64_t va, uint64_t v) { ram.store<uint64_t>(va - kKbase, v); }
};

// Catches: a model built on an image whose current_threads is not 4 pointers (reading past it, or
// indexing it wrongly), or on an image with no symbols at all.
TEST(ChcoreModel, RefusesAnImageThatDoesNotLookLikeChCore) {
  FakeKernel k;
  std::string why;
  EXPECT_NE(ChcoreModel::find(k.symbols, k.ram, k.tracer, &why), nullptr) << why;
  Symbols none;
  EXPECT_EQ(ChcoreModel::find(none, k.ram, k.tracer, &why), nullptr);
  EXPECT_EQ(why, "the image has no symbols");
  Symbols small;
  small.add_segment({kKbase + 0x100000, 0x100000, 0x10000, false});
  small.add({kKbase + 0x100000, 16, "current_threads", false});
  small.add({kKbase + 0x100100, 4 * 0xa0, "idle_threads", false});
  EXPECT_EQ(ChcoreModel::find(small, k.ram, k.tracer, &why), nullptr);
  EXPECT_NE(why.find("not 4 pointers"), std::string::npos) << why;
  Symbols no_idle;
  no_idle.add_segment({kKbase + 0x100000, 0x100000, 0x10000, false});
  no_idle.add({kKbase + 0x100000, 32, "current_threads", false});
  EXPECT_EQ(ChcoreModel::find(no_idle, k.ram, k.tracer, &why), nullptr);
}

// Catches: the upstream table (8-byte function pointers) or ours (16-byte {handler, name} entries)
// read with the wrong stride, so that every syscall gets its neighbour's name.
TEST(ChcoreModel, FindsTheSyscallTablesEntrySize) {
  for (uint64_t stride : {8, 16}) {
    FakeKernel k;
    const uint64_t table = kKbase + 0x100400;
    k.symbols.add({table, 3 * stride, "syscall_table", false});
    k.put64(table + 0 * stride, kKbase + 0x90000);  // 0: sys_putstr
    k.put64(table + 2 * stride, kKbase + 0x90040);  // 2: sys_yield; 1: none
    if (stride == 16)
      for (int i = 0; i < 3; ++i) k.put64(table + uint64_t(i) * 16 + 8, kKbase + 0x100800);  // names: data, not code
    const auto m = ChcoreModel::find(k.symbols, k.ram, k.tracer, nullptr);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->syscall_name(0), "sys_putstr") << stride;
    EXPECT_EQ(m->syscall_name(1), "unknown") << stride;
    EXPECT_EQ(m->syscall_name(2), "sys_yield") << stride;
    EXPECT_EQ(m->syscall_name(3), "unknown") << stride;  // past the table
    EXPECT_EQ(m->syscall_name(~0ull), "unknown") << stride;
  }
}

// Catches: our kernel's syscalls named after the argument-adapting thunk (a0<&(sys_yield())>)
// instead of the handler it branches to.
TEST(ChcoreModel, NamesAThunkAfterItsBranchTarget) {
  FakeKernel k;
  const uint64_t table = kKbase + 0x100400;
  k.symbols.add({table, 8, "syscall_table", false});
  k.put64(table, kKbase + 0x90100);
  const uint32_t b_back = 0x14000000u | ((uint32_t(-(0x90100 - 0x90040) / 4)) & 0x03ffffffu);  // B sys_yield
  k.ram.store<uint32_t>(0x90100, b_back);
  const auto m = ChcoreModel::find(k.symbols, k.ram, k.tracer, nullptr);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->syscall_name(0), "sys_yield");
}

// Catches: a machine that finds a kernel model in an image that is not a kernel (a bare-metal test
// program: symbols, but no current_threads); its trace stays machine-level.
TEST(ChcoreModel, NoModelForABareMetalProgram) {
  MachineConfig config;
  config.entry_el = 1;
  config.console_out = nullptr;
  Machine m(config);
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/fp_trap_el0.elf");
  EXPECT_EQ(m.kernel_model(), nullptr);
  EXPECT_FALSE(m.symbols().empty());
}

}  // namespace
}  // namespace chemu
