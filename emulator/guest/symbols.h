// What chemu knows about a guest image's code and data from its ELF symbol table: the symbol that
// holds an address (every PC chemu prints reads `0xffffff0000098434 <idle_thread_routine+4>`), a
// symbol by name, and where the image's own bytes sit in physical memory (its PT_LOAD segments), so
// the kernel model can read a kernel variable without a page walk. Raw images and stripped ELFs have
// no symbols: every lookup then answers nothing and chemu prints bare addresses, as before.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chemu {

class Symbols {
 public:
  struct Symbol {
    uint64_t addr = 0, size = 0;  // size 0: an assembly label (it extends to the next symbol)
    std::string name;             // demangled, without parameter list or anonymous namespace
    bool function = false;        // STT_FUNC or a label in an executable segment
  };

  Symbols() = default;
  // The symbols of an ELF image (empty for anything else, or an ELF without .symtab). Never throws:
  // a malformed symbol table gives no symbols, the image still runs.
  static Symbols from_image(const std::string& bytes);

  bool empty() const { return by_addr_.empty(); }
  size_t size() const { return by_addr_.size(); }
  // The symbol named `name` ("syscall_table" also finds "ns::syscall_table"), if any.
  const Symbol* find(std::string_view name) const;
  // The symbol holding `addr` and the offset into it: within its size, or for a label, before the
  // next symbol (and at most kMaxLabelSpan past it). Only addresses inside the image's PT_LOAD
  // segments have one (when it has segments): the kernel's symbols say nothing of its user programs.
  struct Hit {
    const Symbol* symbol;
    uint64_t offset;
  };
  std::optional<Hit> at(uint64_t addr) const;
  // "name+4" (the offset in bytes, in decimal as gdb prints it; "name" at offset 0); empty when no
  // symbol holds it.
  std::string describe(uint64_t addr) const;
  // " <name+4>" to follow a printed address, or empty: what trace lines and reports append.
  std::string suffix(uint64_t addr) const;

  // The physical address the image placed a virtual address at (from its PT_LOAD segments), if it
  // lies in one: the image's own variables can be read from RAM directly.
  std::optional<uint64_t> image_pa(uint64_t va) const;
  // Whether `va` is inside an executable PT_LOAD segment.
  bool in_code(uint64_t va) const;

  static constexpr uint64_t kMaxLabelSpan = 0x10000;

  // For tests and the loader: add one symbol / one segment (the table is sorted on first lookup).
  void add(Symbol s);
  struct Segment {
    uint64_t vaddr, paddr, memsz;
    bool exec;
  };
  void add_segment(Segment s) { segments_.push_back(s); }

 private:
  void sort() const;
  mutable std::vector<Symbol> by_addr_;
  mutable bool sorted_ = true;
  std::vector<Segment> segments_;
};

// "sys_ipc_call(unsigned long, unsigned long)" -> "sys_ipc_call"; "(anonymous namespace)::f" -> "f".
std::string short_symbol_name(const std::string& demangled);

}  // namespace chemu
