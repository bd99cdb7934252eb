#include "search/symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "search/pool.h"

namespace chemu::search {

namespace {
template <typename T>
bool read_at(const std::string& b, uint64_t off, T* out) {
  if (off > b.size() || b.size() - off < sizeof(T)) return false;
  std::memcpy(out, b.data() + off, sizeof(T));
  return true;
}
}  // namespace

Symbols Symbols::from_elf_bytes(const std::string& b) {
  Symbols out;
  Elf64_Ehdr eh;
  if (!read_at(b, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) return out;
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh, strsh;
    if (!read_at(b, eh.e_shoff + uint64_t(i) * eh.e_shentsize, &sh) || sh.sh_type != SHT_SYMTAB) continue;
    if (!read_at(b, eh.e_shoff + uint64_t(sh.sh_link) * eh.e_shentsize, &strsh)) continue;
    for (uint64_t off = sh.sh_offset; off + sizeof(Elf64_Sym) <= sh.sh_offset + sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym s;
      if (!read_at(b, off, &s) || s.st_value == 0 || s.st_shndx == SHN_UNDEF) continue;
      const int type = ELF64_ST_TYPE(s.st_info);
      if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) continue;
      const uint64_t name_off = strsh.sh_offset + s.st_name;
      if (name_off >= b.size()) continue;
      std::string name(b.c_str() + name_off, strnlen(b.c_str() + name_off, b.size() - name_off));
      if (name.empty() || name[0] == '$' || name.rfind(".L", 0) == 0) continue;  // mapping symbols, locals
      out.syms_.push_back({s.st_value, s.st_size, std::move(name)});
    }
  }
  std::sort(out.syms_.begin(), out.syms_.end(), [](const Sym& a, const Sym& b) { return a.addr < b.addr || (a.addr == b.addr && a.size > b.size); });
  return out;
}

Symbols Symbols::load(const std::string& path) {
  Symbols s = from_elf_bytes(read_whole_file(path));
  if (s.size()) return s;
  std::filesystem::path elf(path);
  elf.replace_extension(".elf");
  std::error_code ec;
  return elf != std::filesystem::path(path) && std::filesystem::exists(elf, ec) ? from_elf_bytes(read_whole_file(elf.string())) : s;
}

std::string Symbols::name(uint64_t addr) const {
  auto it = std::upper_bound(syms_.begin(), syms_.end(), addr, [](uint64_t a, const Sym& s) { return a < s.addr; });
  if (it == syms_.begin()) return "";
  --it;
  // Prefer a sized symbol that covers the address among those at the same start.
  const uint64_t off = addr - it->addr;
  if ((it->size && off >= it->size && off >= 0x10000) || (!it->size && off >= 0x10000)) return "";
  return off ? fmt::format("{}+{:#x}", it->name, off) : it->name;
}

}  // namespace chemu::search
