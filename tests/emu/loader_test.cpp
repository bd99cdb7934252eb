#include "machine/loader.h"

#include <elf.h>

#include <cstring>

#include <gtest/gtest.h>

namespace chemu {
namespace {

struct Segment {
  uint64_t vaddr, paddr;
  std::string bytes;
  uint64_t memsz;
};

// A minimal ELF64 executable with the given segments, built in memory.
std::string make_elf(uint64_t entry, const std::vector<Segment>& segs, uint16_t machine = EM_AARCH64) {
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64, eh.e_ident[EI_DATA] = ELFDATA2LSB, eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC, eh.e_machine = machine, eh.e_version = EV_CURRENT, eh.e_entry = entry;
  eh.e_phoff = sizeof(eh), eh.e_ehsize = sizeof(eh), eh.e_phentsize = sizeof(Elf64_Phdr), eh.e_phnum = uint16_t(segs.size());
  std::string out(reinterpret_cast<char*>(&eh), sizeof(eh));
  uint64_t data_off = sizeof(eh) + segs.size() * sizeof(Elf64_Phdr);
  std::string data;
  for (const auto& s : segs) {
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD, ph.p_flags = PF_R | PF_X, ph.p_offset = data_off + data.size();
    ph.p_vaddr = s.vaddr, ph.p_paddr = s.paddr, ph.p_filesz = s.bytes.size(), ph.p_memsz = s.memsz, ph.p_align = 8;
    out.append(reinterpret_cast<char*>(&ph), sizeof(ph));
    data += s.bytes;
  }
  return out + data;
}

class LoaderTest : public ::testing::Test {
 protected:
  GuestRam ram;
  std::string error_of(const std::string& image) {
    try {
      load_image_bytes(image, ram);
    } catch (const ImageError& e) {
      return e.what();
    }
    return "";
  }
};

// Catches: kernels linked high being loaded at their virtual address, or entered at a virtual PC.
TEST_F(LoaderTest, PlacesSegmentsAtPhysicalAddressAndTranslatesEntry) {
  const uint64_t kbase = 0xffffff0000000000ull;
  const std::string img = make_elf(kbase + 0x90010, {{0x80000, 0x80000, "low!", 4}, {kbase + 0x90000, 0x90000, std::string(16, 'k') + "E", 0x100}});
  ram.store<uint64_t>(0x90020, ~0ull);  // inside the second segment's bss: must be cleared
  const LoadedImage li = load_image_bytes(img, ram);
  EXPECT_TRUE(li.is_elf);
  EXPECT_EQ(li.entry, 0x90010u);
  EXPECT_EQ(std::memcmp(ram.data() + 0x80000, "low!", 4), 0);
  EXPECT_EQ(ram.data()[0x90010], 'E');
  EXPECT_EQ(*ram.load<uint64_t>(0x90020), 0u);
}

TEST_F(LoaderTest, LoadsRawImagesAt0x80000) {
  const std::string raw("\x1f\x20\x03\xd5\x00\x00\x00\x14", 8);  // nop; b .
  const LoadedImage li = load_image_bytes(raw, ram);
  EXPECT_FALSE(li.is_elf);
  EXPECT_EQ(li.entry, 0x80000u);
  EXPECT_EQ(*ram.load<uint32_t>(0x80000), 0xd503201fu);
}

// Catches: crashes or silent loads on bad input; each case must give a clear reason.
TEST_F(LoaderTest, RejectsBadImagesWithAReason) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("this is just some text\n").find("text"), std::string::npos);
  EXPECT_NE(error_of(make_elf(0x80000, {{0x80000, 0x80000, "x", 1}}, EM_X86_64)).find("another architecture"), std::string::npos);
  EXPECT_NE(error_of(make_elf(0x80000, {{0x40000000, 0x40000000, "x", 1}})).find("outside RAM"), std::string::npos);
  EXPECT_NE(error_of(make_elf(0x80000, {{0x3effffff, 0x3effffff, "xy", 2}})).find("outside RAM"), std::string::npos);
  EXPECT_NE(error_of(make_elf(0x70000, {{0x80000, 0x80000, "x", 1}})).find("entry"), std::string::npos);
  std::string truncated = make_elf(0x80000, {{0x80000, 0x80000, std::string(64, 'a'), 64}});
  truncated.resize(truncated.size() - 10);
  EXPECT_NE(error_of(truncated).find("truncated"), std::string::npos);
  EXPECT_NE(error_of(std::string("\x7f" "ELF", 4)).find("64-bit"), std::string::npos);
}

TEST_F(LoaderTest, MissingFileIsAnImageError) {
  EXPECT_THROW(read_image_file("/nonexistent/kernel.img"), ImageError);
}

}  // namespace
}  // namespace chemu
