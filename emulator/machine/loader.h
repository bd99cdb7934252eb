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
  uint64_t hash;  // fnv1a64 of the image's bytes: what a recorded schedule was recorded for
};

constexpr uint64_t kRawLoadAddress = 0x80000;

// Throws ImageError with a one-line reason for anything that is not a loadable AArch64 image.
LoadedImage load_image_bytes(const std::string& bytes, GuestRam& ram);
// The whole file, at most RAM's size (throws ImageError naming the path when it cannot be read or is larger).
std::string read_image_file(const std::string& path);

}  // namespace chemu
