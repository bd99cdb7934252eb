#include "machine/loader.h"

#include <elf.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "machine/bounded_read.h"
#include "sched/schedule_file.h"

namespace chemu {

namespace {

template <typename T>
T read_at(const std::string& bytes, uint64_t off, const char* what) {
  if (off > bytes.size() || bytes.size() - off < sizeof(T)) throw ImageError(fmt::format("truncated ELF: {} is past the end of the file", what));
  T v;
  std::memcpy(&v, bytes.data() + off, sizeof(T));
  return v;
}

LoadedImage load_elf(const std::string& bytes, GuestRam& ram) {
  if (bytes.size() < EI_NIDENT || bytes[EI_CLASS] != ELFCLASS64) throw ImageError("not a 64-bit ELF (AArch64 images are ELF64)");
  if (bytes[EI_DATA] != ELFDATA2LSB) throw ImageError("big-endian ELF: the Raspberry Pi 3 runs little-endian");
  const auto eh = read_at<Elf64_Ehdr>(bytes, 0, "the ELF header");
  if (eh.e_machine != EM_AARCH64) throw ImageError(fmt::format("ELF for another architecture (e_machine {}), not AArch64 ({})", eh.e_machine, EM_AARCH64));
  if (eh.e_type != ET_EXEC) throw ImageError("ELF is not an executable (ET_EXEC)");
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) throw ImageError("ELF program headers have an unexpected size");
  uint64_t entry = eh.e_entry;
  bool entry_found = false;
  int loaded = 0;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    const auto ph = read_at<Elf64_Phdr>(bytes, eh.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr), "a program header");
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz) throw ImageError(fmt::format("segment {} has more file bytes than memory bytes", i));
    if (ph.p_offset > bytes.size() || bytes.size() - ph.p_offset < ph.p_filesz) throw ImageError(fmt::format("truncated ELF: segment {} is past the end of the file", i));
    if (!GuestRam::contains(ph.p_paddr, ph.p_memsz))
      throw ImageError(fmt::format("segment {} at physical {:#x}+{:#x} is outside RAM (0-{:#x})", i, ph.p_paddr, ph.p_memsz, GuestRam::size()));
    ram.copy_in(ph.p_paddr, bytes.data() + ph.p_offset, ph.p_filesz);
    std::memset(ram.data() + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    ++loaded;
    // The entry may be a link-time (virtual) address; run it at the physical address it was loaded to.
    if (!entry_found && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz) {
      entry = ph.p_paddr + (eh.e_entry - ph.p_vaddr);
      entry_found = true;
    }
  }
  if (loaded == 0) throw ImageError("ELF has no loadable segment");
  if (!entry_found) throw ImageError(fmt::format("ELF entry {:#x} is not inside a loaded segment", eh.e_entry));
  return {entry, true, fnv1a64(bytes)};
}

bool looks_like_text(const std::string& bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 512);
  return std::all_of(bytes.begin(), bytes.begin() + long(n), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u < 0x7f) || u == '\n' || u == '\r' || u == '\t';
  });
}

}  // namespace

LoadedImage load_image_bytes(const std::string& bytes, GuestRam& ram) {
  if (bytes.empty()) throw ImageError("the image is empty");
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0) return load_elf(bytes, ram);
  if (looks_like_text(bytes)) throw ImageError("not an AArch64 image: the file is text, neither ELF nor a raw binary");
  if (!GuestRam::contains(kRawLoadAddress, bytes.size()))
    throw ImageError(fmt::format("raw image of {} bytes does not fit in RAM at {:#x}", bytes.size(), kRawLoadAddress));
  ram.copy_in(kRawLoadAddress, bytes.data(), bytes.size());
  return {kRawLoadAddress, false, fnv1a64(bytes)};
}

// The file is read only up to RAM's size: nothing larger can load, and /dev/zero never ends.
std::string read_image_file(const std::string& path) {
  std::optional<std::string> bytes;
  try {
    bytes = read_bounded(path, GuestRam::size(), "image");
  } catch (const InputError& e) {
    throw ImageError(e.what());
  }
  if (!bytes) throw ImageError(fmt::format("{}: the image is larger than RAM ({} bytes)", path, GuestRam::size()));
  return std::move(*bytes);
}

}  // namespace chemu
