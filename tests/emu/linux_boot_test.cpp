#include "machine/linux_boot.h"

#include <libfdt.h>

#include <cstring>

#include <gtest/gtest.h>

#include "machine/loader.h"
#include "machine/machine.h"

namespace chemu {
namespace {

// An arm64 Image header: a branch, text_offset, image_size and the magic; `body` bytes follow.
std::string make_image(uint64_t text_offset, uint64_t image_size, size_t body = 0) {
  std::string img(64 + body, '\0');
  const uint32_t branch = 0x14000010;  // b +64: past the header
  std::memcpy(img.data(), &branch, 4);
  std::memcpy(img.data() + 8, &text_offset, 8);
  std::memcpy(img.data() + 16, &image_size, 8);
  std::memcpy(img.data() + 56, "ARM\x64", 4);
  return img;
}

// A device tree as the Pi 3's states it: #address-cells = #size-cells = 1, memory@0 of 1 GiB,
// an empty /chosen. Built with libfdt's sequential-write API.
std::string make_dtb(bool with_memory = true, bool with_chosen = true) {
  std::string buf(4096, '\0');
  void* fdt = buf.data();
  EXPECT_EQ(fdt_create(fdt, int(buf.size())), 0);
  EXPECT_EQ(fdt_finish_reservemap(fdt), 0);
  EXPECT_EQ(fdt_begin_node(fdt, ""), 0);
  EXPECT_EQ(fdt_property_u32(fdt, "#address-cells", 1), 0);
  EXPECT_EQ(fdt_property_u32(fdt, "#size-cells", 1), 0);
  if (with_chosen) {
    EXPECT_EQ(fdt_begin_node(fdt, "chosen"), 0);
    EXPECT_EQ(fdt_end_node(fdt), 0);
  }
  if (with_memory) {
    EXPECT_EQ(fdt_begin_node(fdt, "memory@0"), 0);
    EXPECT_EQ(fdt_property_string(fdt, "device_type", "memory"), 0);
    const uint32_t reg[2] = {0, cpu_to_fdt32(0x40000000)};
    EXPECT_EQ(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
    EXPECT_EQ(fdt_end_node(fdt), 0);
  }
  EXPECT_EQ(fdt_end_node(fdt), 0);
  EXPECT_EQ(fdt_finish(fdt), 0);
  buf.resize(fdt_totalsize(fdt));
  return buf;
}

std::vector<uint32_t> cells(const void* fdt, const char* path, const char* prop) {
  int len = 0;
  const auto* p = static_cast<const fdt32_t*>(fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, &len));
  std::vector<uint32_t> out;
  for (int i = 0; p && i < len / 4; ++i) out.push_back(fdt32_to_cpu(p[i]));
  return out;
}

std::string error_of(const std::string& image, const LinuxBootFiles& files) {
  GuestRam ram;
  try {
    load_linux(image, files, ram);
  } catch (const ImageError& e) {
    return e.what();
  }
  return "";
}

// Catches: an Image loaded at 0x80000 (its header asks for a 2 MiB boundary + text_offset, and QEMU
// moves an offset under its 4 KiB stub up by 2 MiB), or a BSS left holding old bytes.
TEST(LinuxBoot, PlacesImageAtTwoMegabytesPlusTextOffsetAndClearsBss) {
  GuestRam ram;
  ram.store<uint64_t>(0x200000 + 0x1000, ~0ull);  // inside image_size, past the file: BSS
  const LinuxLayout l = load_linux(make_image(0, 0x2000), {}, ram);
  EXPECT_EQ(l.kernel, 0x200000u);
  EXPECT_EQ(std::memcmp(ram.data() + 0x200000 + 56, "ARM\x64", 4), 0);
  EXPECT_EQ(*ram.load<uint64_t>(0x201000), 0u);
  EXPECT_EQ(l.dtb, 0u);
  EXPECT_EQ(load_linux(make_image(0x80000, 0x2000), {}, ram).kernel, 0x80000u);
  EXPECT_EQ(load_linux(make_image(0x1234, 0), {}, ram).kernel, 0x80000u);  // image_size 0: old kernels
}

// Catches: the initrd overlapping the kernel, the DTB inside the initrd's last page, or the DTB
// keeping the 1 GiB memory node (RAM would run into the peripherals) or missing bootargs/initrd.
TEST(LinuxBoot, PatchesDeviceTreeAndPlacesInitrdAndDtb) {
  GuestRam ram;
  LinuxBootFiles f;
  f.dtb = make_dtb();
  f.initrd = std::string(5000, 'i');
  f.bootargs = "console=ttyAMA0 rdinit=/init";
  const LinuxLayout l = load_linux(make_image(0, 0x3000), f, ram);
  EXPECT_EQ(l.initrd_start, 128u << 20);
  EXPECT_EQ(l.initrd_end, (128u << 20) + 5000);
  EXPECT_EQ(l.dtb, (128u << 20) + 8192);
  EXPECT_EQ(ram.data()[l.initrd_start + 4999], 'i');
  const void* fdt = ram.data() + l.dtb;
  ASSERT_EQ(fdt_check_header(fdt), 0);
  EXPECT_EQ(cells(fdt, "/memory", "reg"), (std::vector<uint32_t>{0, 0x3c000000}));
  EXPECT_STREQ(static_cast<const char*>(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", nullptr)),
               "console=ttyAMA0 rdinit=/init");
  EXPECT_EQ(cells(fdt, "/chosen", "linux,initrd-start"), (std::vector<uint32_t>{128u << 20}));
  EXPECT_EQ(cells(fdt, "/chosen", "linux,initrd-end"), (std::vector<uint32_t>{(128u << 20) + 5000}));
}

// Catches: a tree without /chosen or /memory (a minimal DTB) left without them.
TEST(LinuxBoot, CreatesMissingChosenAndMemoryNodes) {
  const std::string dtb = patch_device_tree(make_dtb(false, false), 0x3c000000, std::string("quiet"), 0, 0);
  const void* fdt = dtb.data();
  EXPECT_EQ(cells(fdt, "/memory", "reg"), (std::vector<uint32_t>{0, 0x3c000000}));
  EXPECT_STREQ(static_cast<const char*>(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", nullptr)), "quiet");
  EXPECT_EQ(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,initrd-start", nullptr), nullptr);  // no initrd
}

// Catches: garbage accepted as a DTB, an Image larger than RAM, or an initrd written past RAM.
TEST(LinuxBoot, RefusesBadInputWithOneLineReasons) {
  LinuxBootFiles f;
  f.dtb = "this is not a device tree, just some text";
  EXPECT_EQ(error_of(make_image(0, 0x1000), f), "device tree: not a flattened device tree: FDT_ERR_BADMAGIC");
  std::string truncated = make_dtb();
  truncated.resize(truncated.size() / 2);
  f.dtb = truncated;
  EXPECT_EQ(error_of(make_image(0, 0x1000), f), "device tree: truncated (its header says it is longer)");
  EXPECT_NE(error_of(make_image(0, 0x40000000), {}).find("does not fit in the 960 MiB"), std::string::npos);
  f.dtb = make_dtb();
  f.initrd = std::string((960u << 20) - (128u << 20) + 1, 'i');
  EXPECT_NE(error_of(make_image(0, 0x1000), f).find("the initrd (872415233 bytes) does not fit"), std::string::npos);
  EXPECT_NE(error_of(std::string(64, 'x'), {}).find("not an arm64 Linux Image"), std::string::npos);
}

// Catches: the boot core entering without the DTB in x0, or cores 1-3 started instead of waiting in
// the spin table (Linux releases them through cpu-release-addr) or at another EL than QEMU's EL2.
TEST(LinuxBoot, MachineEntersImageWithDtbInX0AndSecondariesInSpinTable) {
  MachineConfig config;
  config.linux_boot.dtb = make_dtb();
  config.console_out = nullptr;
  Machine m(config);
  m.load_bytes(make_image(0, 0x1000));
  EXPECT_EQ(m.core(0).pc(), 0x200000u);
  EXPECT_EQ(m.core(0).el(), 2);
  EXPECT_EQ(m.core(0).reg(UC_ARM64_REG_X0), 128u << 20);
  EXPECT_EQ(m.core(0).reg(UC_ARM64_REG_X1), 0u);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(m.core(i).state(), CoreState::SpinTable);
}

// Catches: a DTB silently ignored with an ELF (it would never reach the kernel).
TEST(LinuxBoot, MachineRefusesDtbForAnImageThatIsNotLinux) {
  MachineConfig config;
  config.linux_boot.bootargs = "quiet";
  config.console_out = nullptr;
  Machine m(config);
  try {
    m.load_bytes(std::string(4096, '\x01'));
    FAIL() << "a raw image with --append was accepted";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("need an arm64 Linux Image"), std::string::npos);
  }
}

}  // namespace
}  // namespace chemu
