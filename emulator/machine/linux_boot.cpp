#include "machine/linux_boot.h"

#include <libfdt.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "machine/loader.h"

namespace chemu {

namespace {

// The arm64 Image header (Linux's Documentation/arch/arm64/booting.rst): little-endian fields.
constexpr uint64_t kTextOffsetField = 8, kImageSizeField = 16, kMagicField = 56, kHeaderSize = 64;
constexpr char kArm64Magic[4] = {'A', 'R', 'M', 0x64};
constexpr uint64_t k2MiB = 2ull << 20, kPage = 4096;
// QEMU writes its boot stub at the bottom of RAM: an Image asking for an offset inside that first
// 4 KiB goes 2 MiB higher (the header only asks for an offset from some 2 MiB boundary).
constexpr uint64_t kBootStubSize = 4096;
// The initrd goes at least this high (QEMU: min(RAM / 2, 128 MiB)), above the kernel if that is higher.
constexpr uint64_t kInitrdFloor = 128ull << 20;
// Room added to the device tree for the properties the loader sets.
constexpr int kDtbSlack = 4096;

uint64_t le64_at(const std::string& bytes, uint64_t off) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[off + uint64_t(i)]);
  return v;
}

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

void check_fdt(int err, const char* what) {
  if (err < 0) throw ImageError(fmt::format("device tree: {}: {}", what, fdt_strerror(err)));
}

// Cells in big-endian order, as a device tree stores numbers: `cells` 32-bit cells of `value`.
void push_cells(std::vector<uint8_t>& out, uint64_t value, int cells) {
  for (int c = cells - 1; c >= 0; --c) {
    const uint32_t cell = c >= 2 ? 0 : uint32_t(value >> (32 * c));
    for (int b = 3; b >= 0; --b) out.push_back(uint8_t(cell >> (8 * b)));
  }
}

int node_or_create(void* fdt, const char* path, const char* name) {
  const int node = fdt_path_offset(fdt, path);
  if (node >= 0) return node;
  const int created = fdt_add_subnode(fdt, 0, name);
  check_fdt(created, name);
  return created;
}

// Sets the property to a number in the root's #address-cells (initrd addresses, as QEMU writes them).
void set_address(void* fdt, int node, const char* name, uint64_t value) {
  std::vector<uint8_t> cells;
  push_cells(cells, value, fdt_address_cells(fdt, 0));
  check_fdt(fdt_setprop(fdt, node, name, cells.data(), int(cells.size())), name);
}

// /memory (a node named memory or memory@...) says RAM is [0, size): the DTB's own value (1 GiB on
// the Pi 3) would run into the peripherals at 0x3f000000.
void set_memory(void* fdt, uint64_t size) {
  const int node = node_or_create(fdt, "/memory", "memory@0");
  check_fdt(fdt_setprop_string(fdt, node, "device_type", "memory"), "/memory device_type");
  std::vector<uint8_t> reg;
  const int acells = fdt_address_cells(fdt, 0), scells = fdt_size_cells(fdt, 0);
  if (acells < 1 || acells > 2 || scells < 1 || scells > 2)
    throw ImageError(fmt::format("device tree: root #address-cells {} / #size-cells {} are not 1 or 2", acells, scells));
  push_cells(reg, 0, acells);
  push_cells(reg, size, scells);
  check_fdt(fdt_setprop(fdt, node, "reg", reg.data(), int(reg.size())), "/memory reg");
}

}  // namespace

bool is_arm64_image(const std::string& bytes) {
  return bytes.size() >= kHeaderSize && std::memcmp(bytes.data() + kMagicField, kArm64Magic, 4) == 0;
}

std::string patch_device_tree(const std::string& dtb, uint64_t memory_size, const std::optional<std::string>& bootargs,
                              uint64_t initrd_start, uint64_t initrd_end) {
  if (dtb.size() < sizeof(fdt_header)) throw ImageError("device tree: too short for an FDT header");
  check_fdt(fdt_check_header(dtb.data()), "not a flattened device tree");
  if (fdt_totalsize(dtb.data()) > dtb.size()) throw ImageError("device tree: truncated (its header says it is longer)");
  const uint64_t room = uint64_t(fdt_totalsize(dtb.data())) + kDtbSlack + (bootargs ? bootargs->size() : 0);
  if (room > k2MiB) throw ImageError("device tree: larger than the 2 MiB Linux accepts");
  std::string out(room, '\0');
  void* fdt = out.data();
  check_fdt(fdt_open_into(dtb.data(), fdt, int(room)), "cannot open");
  set_memory(fdt, memory_size);
  const int chosen = node_or_create(fdt, "/chosen", "chosen");
  if (bootargs) check_fdt(fdt_setprop_string(fdt, chosen, "bootargs", bootargs->c_str()), "/chosen/bootargs");
  if (initrd_end > initrd_start) {
    set_address(fdt, chosen, "linux,initrd-start", initrd_start);
    set_address(fdt, chosen, "linux,initrd-end", initrd_end);
  }
  check_fdt(fdt_pack(fdt), "cannot pack");
  out.resize(fdt_totalsize(fdt));
  return out;
}

LinuxLayout load_linux(const std::string& image, const LinuxBootFiles& files, GuestRam& ram) {
  if (!is_arm64_image(image)) throw ImageError("not an arm64 Linux Image (no \"ARM\\x64\" magic at offset 56)");
  // text_offset counts only when image_size is set (kernels before 3.17 left both 0: 0x80000 then).
  const uint64_t image_size = le64_at(image, kImageSizeField);
  uint64_t offset = image_size ? le64_at(image, kTextOffsetField) : 0x80000;
  if (offset < kBootStubSize) offset += k2MiB;
  LinuxLayout l;
  l.kernel = offset;
  const uint64_t span = std::max<uint64_t>(image.size(), image_size);
  if (offset >= kLinuxMemorySize || span > kLinuxMemorySize - offset)
    throw ImageError(fmt::format("the Image ({} bytes at {:#x}) does not fit in the {} MiB of RAM Linux is given", span, offset,
                                 kLinuxMemorySize >> 20));
  l.kernel_end = offset + span;
  ram.copy_in(l.kernel, image.data(), image.size());
  // The BSS (up to image_size) must read zero: RAM may hold an earlier image's bytes.
  if (image_size > image.size()) std::memset(ram.data() + l.kernel + image.size(), 0, image_size - image.size());

  l.initrd_start = l.initrd_end = std::max(kInitrdFloor, align_up(l.kernel_end, kPage));
  if (files.initrd) {
    if (files.initrd->size() > kLinuxMemorySize - l.initrd_start)
      throw ImageError(fmt::format("the initrd ({} bytes) does not fit in RAM above the kernel (at {:#x})", files.initrd->size(), l.initrd_start));
    ram.copy_in(l.initrd_start, files.initrd->data(), files.initrd->size());
    l.initrd_end = l.initrd_start + files.initrd->size();
  }
  if (files.dtb.empty()) return l;
  // After the initrd, on the next page: kernels may clear the rest of the initrd's last page.
  const std::string dtb = patch_device_tree(files.dtb, kLinuxMemorySize, files.bootargs, l.initrd_start, l.initrd_end);
  l.dtb = align_up(l.initrd_end, kPage);
  if (dtb.size() > kLinuxMemorySize - l.dtb) throw ImageError("the device tree does not fit in RAM after the initrd");
  ram.copy_in(l.dtb, dtb.data(), dtb.size());
  l.dtb_size = dtb.size();
  return l;
}

}  // namespace chemu
