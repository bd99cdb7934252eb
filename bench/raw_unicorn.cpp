// Raw single-engine Unicorn on the compute guest: no hooks, one uc_emu_start from the entry to
// `loop_done`. The baseline chemu's per-core speed is compared with (bench/mips.sh).
//   raw_unicorn IMAGE LOOP_DONE_ADDRESS INSTRUCTIONS [--block-hook]
// --block-hook adds a block hook that only counts blocks: the least any emulator pays for seeing
// every block (chemu counts instructions there), hence the ceiling of its speed next to raw Unicorn.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "cpu/unicorn_compat.h"
#include "machine/guest_ram.h"
#include "machine/loader.h"

int main(int argc, char** argv) {
  const bool block_hook = argc == 5 && std::string(argv[4]) == "--block-hook";
  if (argc != 4 && !block_hook) {
    std::fprintf(stderr, "usage: raw_unicorn IMAGE LOOP_DONE_ADDRESS INSTRUCTIONS [--block-hook]\n");
    return 2;
  }
  chemu::GuestRam ram;
  const chemu::LoadedImage image = chemu::load_image_bytes(chemu::read_image_file(argv[1]), ram);
  const uint64_t until = std::strtoull(argv[2], nullptr, 0), instructions = std::strtoull(argv[3], nullptr, 0);
  uc_engine* uc = chemu::ucx::open_cortex_a53();
  chemu::ucx::check(uc_mem_map_ptr(uc, 0, chemu::GuestRam::size(), UC_PROT_ALL, ram.data()), "map RAM");
  uint64_t blocks = 0;
  uc_hook hook;
  if (block_hook)
    chemu::ucx::check(uc_hook_add(uc, &hook, UC_HOOK_BLOCK, reinterpret_cast<void*>(+[](uc_engine*, uint64_t, uint32_t, void* n) {
                                    ++*static_cast<uint64_t*>(n);
                                  }),
                                  &blocks, 1, 0),
                      "block hook");
  const auto t0 = std::chrono::steady_clock::now();
  chemu::ucx::check(uc_emu_start(uc, image.entry, until, 0, 0), "run");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("raw Unicorn, one engine%s: %.1f guest MIPS (%llu instructions in %.3f s)\n",
              block_hook ? fmt::format(", counting {} blocks in a block hook", blocks).c_str() : "", instructions / s / 1e6,
              static_cast<unsigned long long>(instructions), s);
  uc_close(uc);
  return 0;
}
