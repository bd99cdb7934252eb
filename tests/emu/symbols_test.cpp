// Symbols of a guest image: the names chemu prints after every address.
#include "guest/symbols.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "machine/machine.h"
#include "trace/tracer.h"

namespace chemu {
namespace {

Symbols kernel_like() {
  Symbols s;
  s.add_segment({0xffffff0000090000, 0x90000, 0x10000, true});
  s.add({0xffffff0000098430, 8, "idle_thread_routine", true});
  s.add({0xffffff0000091000, 0, "sync_el0_64", true});  // an assembly label: no size
  s.add({0xffffff0000091100, 0x40, "el0_syscall", true});
  s.add({0xffffff0000098430, 0, "idle_alias", false});
  return s;
}

// Catches: an offset printed in hex (gdb and the brief say <idle_thread_routine+4>), the wrong one
// of two symbols at one address, or no name at a function's first byte.
TEST(Symbols, NamesAnAddressInsideAFunction) {
  const Symbols s = kernel_like();
  EXPECT_EQ(s.describe(0xffffff0000098434), "idle_thread_routine+4");
  EXPECT_EQ(s.describe(0xffffff0000098430), "idle_thread_routine");
  EXPECT_EQ(s.suffix(0xffffff0000098434), " <idle_thread_routine+4>");
}

// Catches: an address past a sized symbol's end named after it, or a label that names nothing.
TEST(Symbols, SizeBoundsAFunctionALabelRunsToTheNextSymbol) {
  const Symbols s = kernel_like();
  EXPECT_EQ(s.describe(0xffffff0000098438), "");  // past idle_thread_routine's 8 bytes
  EXPECT_EQ(s.describe(0xffffff00000910a0), "sync_el0_64+160");
  EXPECT_EQ(s.describe(0xffffff0000091140), "");  // past el0_syscall's 0x40 bytes
}

// Catches: a user program's PC (outside every segment of the image) named after the kernel's last
// symbol below it.
TEST(Symbols, OnlyTheImagesOwnAddressesHaveNames) {
  Symbols s = kernel_like();
  s.add({0x80000, 0, "_start", true});  // no segment holds 0x80000 here
  EXPECT_EQ(s.describe(0x80004), "");
  EXPECT_EQ(s.describe(0x400000), "");
  EXPECT_EQ(s.suffix(0x401c58), "");
  EXPECT_EQ(s.image_pa(0xffffff0000098430), 0x98430u);
  EXPECT_FALSE(s.image_pa(0x400000));
}

// Catches: a C++ kernel's symbols printed mangled or with their parameter lists.
TEST(Symbols, CppNamesAreShort) {
  EXPECT_EQ(short_symbol_name("sys_ipc_call(unsigned long, unsigned long, unsigned long)"), "sys_ipc_call");
  EXPECT_EQ(short_symbol_name("(anonymous namespace)::idle_thread_routine()"), "idle_thread_routine");
  EXPECT_EQ(short_symbol_name("(anonymous namespace)::syscall_table"), "syscall_table");
  EXPECT_EQ(short_symbol_name("long (anonymous namespace)::a0<&(sys_yield())>(unsigned long, unsigned long)"),
            "a0<&(sys_yield())>");
  EXPECT_EQ(short_symbol_name("Foo::bar() const"), "Foo::bar");
  EXPECT_EQ(short_symbol_name("current_threads"), "current_threads");
}

// Catches: find() missing a symbol in a namespace, which our kernel's syscall_table is.
TEST(Symbols, FindsByNameInsideANamespace) {
  Symbols s;
  s.add({0x1000, 0x1c0, "syscall_table", false});
  s.add({0x2000, 0x20, "sched::current_threads", false});
  ASSERT_NE(s.find("syscall_table"), nullptr);
  ASSERT_NE(s.find("current_threads"), nullptr);
  EXPECT_EQ(s.find("current_threads")->addr, 0x2000u);
  EXPECT_EQ(s.find("threads"), nullptr);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Catches: the ELF symbol table not read at all (every real image then prints bare addresses), or a
// raw image inventing names.
TEST(Symbols, ReadsAnElfsSymbolTableAndNothingFromRawBytes) {
  const std::string elf = read_file(std::string(CHEMU_SNIPPET_DIR) + "/fp_trap_el0.elf");
  ASSERT_FALSE(elf.empty());
  const Symbols s = Symbols::from_image(elf);
  ASSERT_NE(s.find("_start"), nullptr);
  EXPECT_EQ(s.find("_start")->addr, 0x80000u);
  EXPECT_EQ(s.describe(0x80000), "_start");
  ASSERT_NE(s.find("el0_fp_site"), nullptr);
  EXPECT_TRUE(Symbols::from_image(std::string(4096, '\x1f')).empty());
}

struct Lines final : TraceSink {
  explicit Lines(std::vector<std::string>& out) : out(out) {}
  void on_event(const Event& e) override { out.push_back(format_event(e)); }
  std::vector<std::string>& out;
};

// Catches: trace lines that print a PC without its symbol (the exception entry from EL0 and the
// return to EL0 of a snippet whose labels are known).
TEST(Symbols, TraceLinesNameTheCode) {
  MachineConfig config;
  config.entry_el = 1;
  config.console_out = nullptr;
  Machine m(config);
  std::vector<std::string> lines;
  m.tracer().add_sink(std::make_unique<Lines>(lines));
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/fp_trap_el0.elf");
  EXPECT_EQ(m.run().exit_code, 0);
  bool entry = false, ret = false;
  for (const auto& l : lines) {
    entry = entry || (l.find("exception fp-access") != std::string::npos && l.find("<el0_fp_site>") != std::string::npos);
    ret = ret || (l.find("exception return") != std::string::npos && l.find("<el0_code>") != std::string::npos);
  }
  EXPECT_TRUE(entry);
  EXPECT_TRUE(ret);
}

}  // namespace
}  // namespace chemu
