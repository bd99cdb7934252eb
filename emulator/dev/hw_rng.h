// BCM2835 hardware random number generator (RNG200) at 0x3f104000.
//
//   0x00 RNG_CTRL      bit 0: enable (kept and read back; words come either way, as on QEMU)
//   0x04 RNG_STATUS    bits 0-19: warm-up count (kept); bits 24-31: words available (always 1 here)
//   0x08 RNG_DATA      the next random word (read-only)
//   0x0c RNG_FF_THRES  FIFO interrupt threshold: accepted, reads 0 (as on QEMU 7.2)
//   0x10 RNG_INT_MASK  bit 0 masks the RNG interrupt: kept and read back (chemu raises no RNG interrupt)
// The words are not the host's entropy (QEMU's are): they come from chemu's seeded generator, seeded
// from the machine's seed through a salt, so one seed gives one stream of words, every run, and the
// interleaver (which draws from its own generator) schedules the same whether or not a guest reads it.
#pragma once
#include <tuple>
#include "dev/device.h"
#include "sched/rng.h"

namespace chemu {

class HwRng final : public Device {
 public:
  static constexpr uint64_t kBase = 0x3f104000, kSize = 0x20;
  enum Reg : uint64_t { CTRL = 0x00, STATUS = 0x04, DATA = 0x08, FF_THRES = 0x0c, INT_MASK = 0x10 };
  static constexpr uint32_t kOneWordAvailable = 1u << 24, kWarmUpMask = 0xfffff;

  HwRng(GuestErrorLog& log, uint64_t machine_seed) : log_(log), seed_(stream_seed(machine_seed)), gen_(seed_) { reset(); }
  std::string_view name() const override { return "rng"; }
  void reset() override { ctrl_ = status_ = int_mask_ = 0, gen_ = Rng(seed_); }
  uint64_t read(const MmioAccess& a) override;
  void write(const MmioAccess& a, uint64_t value) override;
  // The seed of the device's own stream: a function of the machine's seed only.
  static uint64_t stream_seed(uint64_t machine_seed) { return Rng(machine_seed ^ 0x52'4e'47'32'30'30'00'00ull).next(); }

  // What changes as the guest runs, for machine snapshots (Machine::take_snapshot).
  auto fields() { return std::tie(gen_, ctrl_, status_, int_mask_); }

 private:
  GuestErrorLog& log_;
  uint64_t seed_;
  Rng gen_;
  uint32_t ctrl_ = 0, status_ = 0, int_mask_ = 0;
};

}  // namespace chemu
