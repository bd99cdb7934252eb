#include "guest/symbols.h"

#include <cxxabi.h>
#include <elf.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace chemu {

namespace {

template <typename T>
std::optional<T> read_at(const std::string& bytes, uint64_t off) {
  if (off > bytes.size() || bytes.size() - off < sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, bytes.data() + off, sizeof(T));
  return v;
}

std::string demangle(const char* name) {
  if (std::strncmp(name, "_Z", 2) != 0) return name;
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || !d) return name;
  std::string s(d);
  std::free(d);
  return short_symbol_name(s);
}

}  // namespace

std::string short_symbol_name(const std::string& demangled) {
  std::string s = demangled;
  for (size_t p; (p = s.find("(anonymous namespace)::")) != std::string::npos;) s.erase(p, 23);
  // Drop a trailing " const" and the parameter list: the '(' matching the final ')'.
  if (s.size() > 6 && s.ends_with(" const")) s.resize(s.size() - 6);
  if (!s.empty() && s.back() == ')') {
    int depth = 0;
    for (size_t i = s.size(); i-- > 0;) {
      if (s[i] == ')') ++depth;
      else if (s[i] == '(' && --depth == 0) {
        if (i > 0) s.resize(i);
        break;
      }
    }
  }
  // Drop a return type (template functions): what precedes the last space outside <> and ().
  int depth = 0;
  size_t cut = std::string::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' || s[i] == '(') ++depth;
    else if (s[i] == '>' || s[i] == ')') --depth;
    else if (s[i] == ' ' && depth == 0) cut = i;
  }
  if (cut != std::string::npos) s.erase(0, cut + 1);
  return s;
}

Symbols Symbols::from_image(const std::string& bytes) {
  Symbols out;
  if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 || bytes[EI_CLASS] != ELFCLASS64) return out;
  const auto eh = read_at<Elf64_Ehdr>(bytes, 0);
  if (!eh || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_phentsize != sizeof(Elf64_Phdr)) return out;
  for (unsigned i = 0; i < eh->e_phnum; ++i) {
    const auto ph = read_at<Elf64_Phdr>(bytes, eh->e_phoff + uint64_t(i) * sizeof(Elf64_Phdr));
    if (ph && ph->p_type == PT_LOAD && ph->p_memsz) out.add_segment({ph->p_vaddr, ph->p_paddr, ph->p_memsz, (ph->p_flags & PF_X) != 0});
  }
  for (unsigned i = 0; i < eh->e_shnum; ++i) {
    const auto sh = read_at<Elf64_Shdr>(bytes, eh->e_shoff + uint64_t(i) * sizeof(Elf64_Shdr));
    if (!sh || sh->sh_type != SHT_SYMTAB || sh->sh_entsize != sizeof(Elf64_Sym)) continue;
    const auto strtab = read_at<Elf64_Shdr>(bytes, eh->e_shoff + uint64_t(sh->sh_link) * sizeof(Elf64_Shdr));
    if (!strtab || strtab->sh_offset > bytes.size() || bytes.size() - strtab->sh_offset < strtab->sh_size) continue;
    const std::string_view strings(bytes.data() + strtab->sh_offset, strtab->sh_size);
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh->sh_size; off += sizeof(Elf64_Sym)) {
      const auto sym = read_at<Elf64_Sym>(bytes, sh->sh_offset + off);
      if (!sym || sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS || sym->st_name >= strings.size()) continue;
      const int type = ELF64_ST_TYPE(sym->st_info);
      if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) continue;
      const size_t end = strings.find('\0', sym->st_name);
      if (end == std::string_view::npos) continue;
      const std::string raw(strings.substr(sym->st_name, end - sym->st_name));
      if (raw.empty() || raw[0] == '$' || raw[0] == '.') continue;  // mapping symbols ($x, $d), local labels
      out.add({sym->st_value, sym->st_size, demangle(raw.c_str()), type == STT_FUNC || (type == STT_NOTYPE && out.in_code(sym->st_value))});
    }
  }
  return out;
}

void Symbols::add(Symbol s) {
  by_addr_.push_back(std::move(s));
  sorted_ = false;
}

// By address; at one address, functions before other symbols, sized before labels (at() takes the first).
void Symbols::sort() const {
  if (sorted_) return;
  std::stable_sort(by_addr_.begin(), by_addr_.end(), [](const Symbol& a, const Symbol& b) {
    if (a.addr != b.addr) return a.addr < b.addr;
    if (a.function != b.function) return a.function;
    return (a.size != 0) > (b.size != 0);
  });
  sorted_ = true;
}

const Symbols::Symbol* Symbols::find(std::string_view name) const {
  sort();
  for (const Symbol& s : by_addr_)
    if (s.name == name || (s.name.size() > name.size() + 2 && s.name.ends_with(name) &&
                           s.name.compare(s.name.size() - name.size() - 2, 2, "::") == 0))
      return &s;
  return nullptr;
}

std::optional<Symbols::Hit> Symbols::at(uint64_t addr) const {
  // Only the image's own addresses: a user program at 0x400000 is not the kernel's last label.
  if (!segments_.empty() && !image_pa(addr)) return std::nullopt;
  sort();
  auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), addr, [](uint64_t a, const Symbol& s) { return a < s.addr; });
  if (it == by_addr_.begin()) return std::nullopt;
  const auto next = it;
  --it;
  const uint64_t start = it->addr;
  // The symbols at this address, best first: one whose size holds addr, else a label.
  auto first = it;
  while (first != by_addr_.begin() && std::prev(first)->addr == start) --first;
  bool sized = false;  // a sized symbol here bounds the labels at its address too
  for (auto s = first; s != next; ++s) {
    if (s->size && addr - start < s->size) return Hit{&*s, addr - start};
    sized = sized || s->size;
  }
  if (!sized)
    for (auto s = first; s != next; ++s)
      if (addr - start < kMaxLabelSpan) return Hit{&*s, addr - start};
  return std::nullopt;
}

std::string Symbols::describe(uint64_t addr) const {
  if (by_addr_.empty()) return {};
  const auto h = at(addr);
  if (!h) return {};
  return h->offset ? fmt::format("{}+{}", h->symbol->name, h->offset) : h->symbol->name;
}

std::string Symbols::suffix(uint64_t addr) const {
  if (by_addr_.empty()) return {};
  std::string d = describe(addr);
  return d.empty() ? d : fmt::format(" <{}>", d);
}

std::optional<uint64_t> Symbols::image_pa(uint64_t va) const {
  for (const Segment& s : segments_)
    if (va >= s.vaddr && va - s.vaddr < s.memsz) return s.paddr + (va - s.vaddr);
  return std::nullopt;
}

bool Symbols::in_code(uint64_t va) const {
  for (const Segment& s : segments_)
    if (s.exec && va >= s.vaddr && va - s.vaddr < s.memsz) return true;
  return false;
}

}  // namespace chemu
