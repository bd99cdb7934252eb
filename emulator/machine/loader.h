// Loading a guest image into RAM: an AArch64 ELF (each PT_LOAD at its physical address, entry from the
// header, translated to physical when the kernel links high) or a raw image at 0x80000.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "machine/guest_ram.h"

namespace chemu {

struct ImageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct LoadedImage {
  uint64_t entry;  // physical
  bool is_elf;
};

constexpr uint64_t kRawLoadAddress = 0x80000;

// Throws ImageError with a one-line reason for anything that is not a loadable AArch64 image.
LoadedImage load_image(const std::string& path, GuestRam& ram);
LoadedImage load_image_bytes(const std::string& bytes, GuestRam& ram);
// The whole file (throws ImageError naming the path when it cannot be read).
std::string read_image_file(const std::string& path);

}  // namespace chemu
