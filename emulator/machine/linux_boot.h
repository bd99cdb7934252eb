// Booting an arm64 Linux Image as QEMU's arm boot code does for raspi3b (-kernel Image -dtb -initrd
// -append): the Image at a 2 MiB boundary plus its text_offset, the initrd above it, the device tree
// after the initrd with /memory, /chosen/bootargs and linux,initrd-start/end patched in (libfdt), and
// the boot core entering the kernel with x0 = the device tree's address, x1-x3 = 0.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "machine/guest_ram.h"

namespace chemu {

// The files given with --dtb, --initrd and --append (bytes, read by the caller).
struct LinuxBootFiles {
  std::string dtb;                    // empty: no device tree (Linux cannot find its machine)
  std::optional<std::string> initrd;  // --initrd
  std::optional<std::string> bootargs;  // --append
  bool any() const { return !dtb.empty() || initrd || bootargs; }
};

// Where the loader placed things (physical addresses).
struct LinuxLayout {
  uint64_t kernel = 0;       // the Image's first byte, also its entry point
  uint64_t kernel_end = 0;   // kernel + max(file size, image_size)
  uint64_t initrd_start = 0, initrd_end = 0;  // equal: no initrd
  uint64_t dtb = 0;          // 0: no device tree
  uint64_t dtb_size = 0;
};

// RAM Linux is told about: QEMU's raspi3b keeps the top 64 MiB of the 1 GiB for the VideoCore.
constexpr uint64_t kLinuxMemorySize = 960ull << 20;

// True for an arm64 Linux Image: the magic "ARM\x64" at offset 56 of its header.
bool is_arm64_image(const std::string& bytes);

// Places the Image (and, when given, the initrd and the patched device tree) in RAM. Throws
// ImageError with a one-line reason for a malformed header or DTB, or files that do not fit.
LinuxLayout load_linux(const std::string& image, const LinuxBootFiles& files, GuestRam& ram);

// The device tree with /memory cut to [0, memory_size), /chosen/bootargs (when given) and the initrd
// range (when not empty). Throws ImageError for a blob libfdt rejects.
std::string patch_device_tree(const std::string& dtb, uint64_t memory_size, const std::optional<std::string>& bootargs,
                              uint64_t initrd_start, uint64_t initrd_end);

}  // namespace chemu
