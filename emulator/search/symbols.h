// ELF symbols of a guest image, to name the PCs in a bug report: "0x80344 <work+0x24>".
// Only reads the image; a raw image (`kernel.img`) borrows the symbols of `kernel.elf` beside it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace chemu::search {

class Symbols {
 public:
  // The function and object symbols of the ELF at `path` (or of PATH-without-.img + .elf); none if
  // there is no readable ELF symbol table.
  static Symbols load(const std::string& path);
  static Symbols from_elf_bytes(const std::string& bytes);
  // "name+0x24" for the symbol containing `addr` (or the nearest one below it, within 64 KiB); "".
  std::string name(uint64_t addr) const;
  size_t size() const { return syms_.size(); }

 private:
  struct Sym {
    uint64_t addr, size;
    std::string name;
  };
  std::vector<Sym> syms_;  // sorted by address
};

}  // namespace chemu::search
